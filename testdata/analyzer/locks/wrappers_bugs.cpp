// Lock misuse hidden behind functions that look like lock wrappers but are not: locks the function made itself.
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <pthread.h>

namespace portable {

// A handle-based lock API in the style of a portable C thread library.
struct lock_impl {
  pthread_mutex_t m;
};
typedef lock_impl *lock_handle;

bool lock_create(lock_handle *L) {
  *L = static_cast<lock_handle>(std::malloc(sizeof(lock_impl)));
  if (!*L)
    return false;
  pthread_mutex_init(&(*L)->m, nullptr);
  return true;
}
void lock_acquire(lock_handle L) { pthread_mutex_lock(&L->m); }
void lock_release(lock_handle L) { pthread_mutex_unlock(&L->m); }
void lock_destroy(lock_handle L) {
  pthread_mutex_destroy(&L->m);
  std::free(L);
}

// The function creates the lock in its own static, takes it and returns: no
// caller can ever name that lock to release it.
void start_session() {
  static lock_handle Session = nullptr;
  if (!lock_create(&Session))
    std::exit(1);
  lock_acquire(Session); // expect: lock-not-released
}

// Releasing a lock that was created a line above and never taken.
void end_session() {
  static lock_handle Session = nullptr;
  if (!lock_create(&Session))
    std::exit(1);
  lock_release(Session); // expect: lock-unlock-not-held
  lock_destroy(Session);
}

// The same with a function-local static mutex.
void warm_cache() {
  static std::mutex CacheMu;
  CacheMu.lock(); // expect: lock-not-released
}

void flush_cache() {
  static pthread_mutex_t CacheMu = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_unlock(&CacheMu); // expect: lock-unlock-not-held
}

} // namespace portable

namespace handmade {

// An unannotated RAII guard: the constructor locks the mutex it is given, the
// destructor unlocks it.
class Hold {
public:
  explicit Hold(std::mutex &M) : m_(M) { m_.lock(); }
  ~Hold() { m_.unlock(); }
  Hold(const Hold &) = delete;
  Hold &operator=(const Hold &) = delete;

private:
  std::mutex &m_;
};

// The same over a pointer to a pthread mutex.
class PHold {
public:
  explicit PHold(pthread_mutex_t *M) : m_(M) { pthread_mutex_lock(m_); }
  ~PHold() { pthread_mutex_unlock(m_); }
  PHold(const PHold &) = delete;
  PHold &operator=(const PHold &) = delete;

private:
  pthread_mutex_t *m_;
};

class Ledger {
public:
  void Post(int Amount) {
    Hold H(mu_);
    total_ += Amount;
    Audit(); // expect: lock-double-lock "'mu_'"
  }
  // Takes the lock Post() already holds.
  void Audit() {
    Hold H(mu_);
    audited_ = total_;
  }
  void Reset() {
    Hold H(mu_);
    mu_.lock(); // expect: lock-double-lock
    total_ = 0;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int total_ = 0;
  int audited_ = 0;
};

pthread_mutex_t g_stats_mu = PTHREAD_MUTEX_INITIALIZER;
void bump_stats() {
  PHold A(&g_stats_mu);
  PHold B(&g_stats_mu); // expect: lock-double-lock
}

} // namespace handmade

namespace indirect {

// Locks taken through function pointers whose target is known where they are
// called.
pthread_mutex_t g_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t g_b = PTHREAD_MUTEX_INITIALIZER;

void lock_b() { pthread_mutex_lock(&g_b); }
void unlock_b() { pthread_mutex_unlock(&g_b); }

// A global hook that nothing reassigns.
void (*const take_b)(void) = &lock_b;

void a_then_b() {
  pthread_mutex_lock(&g_a);
  take_b();
  unlock_b();
  pthread_mutex_unlock(&g_a);
}

void b_then_a() {
  int (*lockfn)(pthread_mutex_t *) = pthread_mutex_lock;
  lockfn(&g_b);
  lockfn(&g_a); // expect: lock-order-inversion
  pthread_mutex_unlock(&g_a);
  pthread_mutex_unlock(&g_b);
}

// A local function pointer initialised from a known function.
std::mutex g_log_mu;
void lock_log() { g_log_mu.lock(); }
void write_twice() {
  void (*enter)() = lock_log;
  enter();
  enter(); // expect: lock-double-lock
  g_log_mu.unlock();
}

} // namespace indirect

namespace status {

class Status {
public:
  static Status OK() { return Status(0); }
  static Status Busy() { return Status(1); }
  bool ok() const { return code_ == 0; }

private:
  explicit Status(int Code) : code_(Code) {}
  int code_;
};

class Table {
public:
  Status TryLockTable() {
    if (!mu_.try_lock())
      return Status::Busy();
    return Status::OK();
  }
  // The status is not looked at: the unlock may release a mutex another
  // thread holds.
  void Repack() {
    Status S = TryLockTable();
    rows_ += S.ok() ? 0 : 1;
    mu_.unlock(); // expect: lock-unlock-not-held
  }
  // The test is the wrong way round: the unlock runs when the lock failed.
  void Vacuum() {
    if (TryLockTable().ok())
      return;
    ++rows_;
    mu_.unlock(); // expect: lock-unlock-not-held
  }

private:
  std::mutex mu_;
  int rows_ = 0;
};

} // namespace status

namespace evidence {

// Functions that return holding a lock, or release one, with nothing but
// their bodies to say they are wrappers: no lock-like name, no annotation,
// no caller in this file, no function doing the opposite to the same lock.
std::mutex g_config_mu;
std::mutex g_metrics_mu;
int g_config = 0;
int g_metrics = 0;

// Forgets the unlock on every path.
void apply_config(int V) {
  g_config_mu.lock(); // expect: lock-not-released
  g_config = V;
}

// Unlocks a mutex that nothing here takes.
void publish_metrics() {
  ++g_metrics;
  g_metrics_mu.unlock(); // expect: lock-unlock-not-held
}

} // namespace evidence

namespace nodes {

struct Node {
  std::mutex mu;
  int key = 0;
  int value = 0;
};

class Index {
public:
  Node *LockNode(int Key) {
    Node *N = Find(Key);
    if (N == nullptr)
      return nullptr;
    N->mu.lock();
    return N;
  }
  // The null case unlocks nothing that is held.
  void Bump(int Key) {
    Node *N = LockNode(Key);
    if (N)
      ++N->value;
    N->mu.unlock(); // expect: lock-unlock-not-held
  }

private:
  Node *Find(int Key) {
    for (Node &N : nodes_)
      if (N.key == Key)
        return &N;
    return nullptr;
  }
  Node nodes_[8];
};

} // namespace nodes

namespace opaque {

void inspect_stats(const std::mutex *M); // defined in another file
std::mutex g_stats_mu;
int g_stats = 0;

// A function elsewhere sees the mutex only through a const pointer: it
// cannot lock it, so nothing here does.
void bump_stats() {
  inspect_stats(&g_stats_mu);
  ++g_stats;
  g_stats_mu.unlock(); // expect: lock-unlock-not-held
}

} // namespace opaque

namespace checked_pthread {

int Checked(const char *What, int Result) {
  if (Result != 0 && Result != EBUSY)
    std::abort();
  (void)What;
  return Result;
}

class Mutex {
public:
  bool TryLock() {
    bool Got = Checked("trylock", pthread_mutex_trylock(&mu_)) == 0;
    return Got;
  }
  void Unlock() { Checked("unlock", pthread_mutex_unlock(&mu_)); }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
};

// The try-lock's result is ignored: the unlock runs whether it got the lock.
void Poll(Mutex &M, int &Counter) {
  M.TryLock();
  ++Counter;
  M.Unlock(); // expect: lock-unlock-not-held
}

} // namespace checked_pthread

namespace flag_join {

std::mutex g_mu;
int g_rows = 0;

// The flag starts false, so the branch that locks outright leaves it
// false: the early return leaks the lock taken by lock().
int LockFor(int TimeoutUs) {
  bool Locked = false;
  if (TimeoutUs == 0)
    Locked = g_mu.try_lock();
  else
    g_mu.lock(); // expect: lock-not-released
  if (!Locked)
    return -1;
  ++g_rows;
  return 0;
}

} // namespace flag_join

namespace tree_slots {

struct TreeNode;
struct Slot {
  TreeNode *ptr = nullptr;
  TreeNode *get_locked();
};

struct TreeNode {
  std::mutex mu;
  int key = 0;
  Slot left;
  void lock() { mu.lock(); }
  void unlock() { mu.unlock(); }
};

// Returns the child it locked, or the null child having locked nothing.
TreeNode *Slot::get_locked() {
  if (ptr)
    ptr->lock();
  return ptr;
}

// The early return for a negative key leaves the child locked: returning
// its key hands back a number, not the node.
int left_key_leaks(TreeNode &N) {
  TreeNode *C = N.left.get_locked(); // expect: lock-not-released
  if (!C)
    return -1;
  if (C->key < 0)
    return C->key;
  int K = C->key;
  C->unlock();
  return K;
}

// A null child is "unlocked" too.
void touch_left(TreeNode &N) {
  TreeNode *C = N.left.get_locked();
  if (C)
    ++C->key;
  C->unlock(); // expect: lock-unlock-not-held
}

} // namespace tree_slots
