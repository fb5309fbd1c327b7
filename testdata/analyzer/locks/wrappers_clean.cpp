// Lock wrappers that are real wrappers, next to look-alikes of wrappers_bugs.cpp that use their locks correctly.
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <pthread.h>

namespace portable {

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
// clean: lock-not-released a wrapper that locks its parameter's mutex
void lock_acquire(lock_handle L) { pthread_mutex_lock(&L->m); }
// clean: lock-unlock-not-held a wrapper that unlocks its parameter's mutex
void lock_release(lock_handle L) { pthread_mutex_unlock(&L->m); }
void lock_destroy(lock_handle L) {
  pthread_mutex_destroy(&L->m);
  std::free(L);
}

// clean: lock-not-released the session lock is created, taken and released
void run_session() {
  static lock_handle Session = nullptr;
  if (!lock_create(&Session))
    std::exit(1);
  lock_acquire(Session);
  lock_release(Session);
  lock_destroy(Session);
}

struct registry {
  pthread_mutex_t m;
};
// clean: lock-not-released a lazily made static handed to the caller locked
registry *locked_registry() {
  static registry *R = nullptr;
  if (!R) {
    R = new registry;
    pthread_mutex_init(&R->m, nullptr);
  }
  pthread_mutex_lock(&R->m);
  return R;
}

// clean: lock-not-released a static mutex taken and released in one call
int next_ticket() {
  static std::mutex TicketMu;
  static int Ticket = 0;
  TicketMu.lock();
  int T = ++Ticket;
  TicketMu.unlock();
  return T;
}

// A static that only caches a lock made elsewhere: the function does not
// create it, so taking it may well be the function's job for its callers.
lock_handle registry_lock();
// clean: lock-not-released a static that caches a lock made elsewhere
void lock_registry() {
  static lock_handle Registry = registry_lock();
  lock_acquire(Registry);
}

} // namespace portable

namespace handmade {

class Hold {
public:
  explicit Hold(std::mutex &M) : m_(M) { m_.lock(); }
  ~Hold() { m_.unlock(); }
  Hold(const Hold &) = delete;
  Hold &operator=(const Hold &) = delete;

private:
  std::mutex &m_;
};

class EarlyHold {
public:
  explicit EarlyHold(std::mutex &M) : m_(M) { m_.lock(); }
  ~EarlyHold() {
    if (held_)
      m_.unlock();
  }
  void Unlock() {
    m_.unlock();
    held_ = false;
  }

private:
  std::mutex &m_;
  bool held_ = true;
};

class Ledger {
public:
  // clean: lock-double-lock each guard takes its own mutex, in one order
  void Transfer(Ledger &Other, int Amount) {
    Hold Mine(mu_);
    Hold Theirs(Other.mu_);
    total_ -= Amount;
    Other.total_ += Amount;
  }
  // clean: lock-double-lock the first guard is gone before the second
  void PostTwice(int Amount) {
    {
      Hold H(mu_);
      total_ += Amount;
    }
    Hold H(mu_);
    total_ += Amount;
  }
  // clean: lock-unlock-not-held the guard's destructor releases what it took
  int Read() {
    Hold H(mu_);
    return total_;
  }
  // clean: lock-double-lock a guard class that can unlock early is not taken for a scope guard
  void Refill() {
    EarlyHold H(mu_);
    H.Unlock();
    mu_.lock();
    ++total_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int total_ = 0;
};

} // namespace handmade

namespace indirect {

std::mutex g_log_mu;
void lock_log() { g_log_mu.lock(); }
void unlock_log() { g_log_mu.unlock(); }
void noop() {}

// clean: lock-double-lock the hook may have been replaced, so its target is unknown
void maybe_twice(bool Quiet) {
  void (*hook)() = lock_log;
  if (Quiet)
    hook = noop;
  hook();
  hook();
}

// clean: lock-double-lock a pointer passed in: its target is the caller's business
void run_twice(void (*Fn)()) {
  Fn();
  Fn();
}

// clean: lock-double-lock the known target locks once, the other call unlocks
void paired() {
  void (*enter)() = lock_log;
  void (*leave)() = unlock_log;
  enter();
  leave();
  enter();
  leave();
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
  // clean: lock-not-released a try-lock that reports through a Status
  Status TryLockTable() {
    if (!mu_.try_lock())
      return Status::Busy();
    return Status::OK();
  }
  // clean: lock-unlock-not-held the Status decides the unlock
  void Compact() {
    Status S = TryLockTable();
    if (!S.ok())
      return;
    ++rows_;
    mu_.unlock();
  }
  // clean: lock-unlock-not-held the same, tested in place
  void Vacuum() {
    if (!TryLockTable().ok())
      return;
    ++rows_;
    mu_.unlock();
  }

  // A try-lock that goes through helpers down to a pthread result.
  int TryRaw() { return pthread_mutex_trylock(&index_mu_); }
  // clean: lock-not-released the status follows the helper's pthread result
  Status TryLockIndex() {
    if (TryRaw() != 0)
      return Status::Busy();
    return Status::OK();
  }
  // clean: lock-unlock-not-held the status decides the unlock
  void Reindex() {
    if (!TryLockIndex().ok())
      return;
    ++rows_;
    pthread_mutex_unlock(&index_mu_);
  }

  // clean: lock-not-released a flag that starts true: one branch try-locks into it, the other locks outright
  Status LockFor(int TimeoutUs) {
    bool Locked = true;
    if (TimeoutUs == 0)
      Locked = mu_.try_lock();
    else
      mu_.lock();
    if (!Locked)
      return Status::Busy();
    return Status::OK();
  }
  // clean: lock-unlock-not-held the status decides the unlock
  void Trim(int TimeoutUs) {
    if (!LockFor(TimeoutUs).ok())
      return;
    ++rows_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  pthread_mutex_t index_mu_ = PTHREAD_MUTEX_INITIALIZER;
  int rows_ = 0;
};

} // namespace status

namespace evidence {

std::mutex g_stats_mu;
std::mutex g_registry_mu;
int g_total = 0;

// clean: lock-not-released no lock-like name, but its caller releases what it leaves held
void stats_in() { g_stats_mu.lock(); }
void record(int V) {
  stats_in();
  g_total += V;
  g_stats_mu.unlock();
}

// clean: lock-not-released never called here, but its name says what it does
void grab_registry() { g_registry_mu.lock(); }

// Two members that do the opposite to the same lock vouch for each other.
class Journal {
public:
  // clean: lock-not-released Unseal() releases the same member
  void Seal() { mu_.lock(); }
  // clean: lock-unlock-not-held Seal() takes the same member
  void Unseal() { mu_.unlock(); }

private:
  std::mutex mu_;
};

} // namespace evidence

namespace nodes {

struct Node {
  std::mutex mu;
  int key = 0;
  int value = 0;
};

class Index {
public:
  // clean: lock-not-released returns the node locked, or nullptr without locking
  Node *LockNode(int Key) {
    Node *N = Find(Key);
    if (N == nullptr)
      return nullptr;
    N->mu.lock();
    return N;
  }
  // clean: lock-unlock-not-held the node is unlocked only when one came back
  void Bump(int Key) {
    Node *N = LockNode(Key);
    if (!N)
      return;
    ++N->value;
    N->mu.unlock();
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

void acquire_stats(std::mutex *M); // defined in another file
std::mutex g_stats_mu;
int g_stats = 0;

// clean: lock-unlock-not-held  the mutex was handed to a function defined elsewhere, which may lock it
void bump_stats() {
  acquire_stats(&g_stats_mu);
  ++g_stats;
  g_stats_mu.unlock();
}

} // namespace opaque

namespace checked_pthread {

// Aborts on an unexpected error and hands the result back unchanged.
int Checked(const char *What, int Result) {
  if (Result != 0 && Result != EBUSY)
    std::abort();
  (void)What;
  return Result;
}

// clean: lock-not-released  a try-lock whose result goes through a checking helper and a flag
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

// clean: lock-unlock-not-held  the caller unlocks only when TryLock succeeded
int Poll(Mutex &M, int &Counter) {
  if (!M.TryLock())
    return -1;
  ++Counter;
  M.Unlock();
  return 0;
}

} // namespace checked_pthread

namespace tree_slots {

struct TreeNode;
struct Slot {
  TreeNode *ptr = nullptr;
  int depth = 0;
  TreeNode *get_locked();
};

struct TreeNode {
  std::mutex mu;
  int key = 0;
  Slot left, right;
  void lock() { mu.lock(); }
  void unlock() { mu.unlock(); }
  TreeNode *rotate_left_heavy();
  TreeNode *lock_left_balanced();
  TreeNode *parent_of(int K);
};

// clean: lock-not-released returns the child it locked, or the null child having locked nothing
TreeNode *Slot::get_locked() {
  if (ptr) {
    ptr->lock();
    depth = ptr->key;
  }
  return ptr;
}

// The caller holds this node; the new root of the subtree comes back locked
// and every other node this took is unlocked.
// clean: lock-not-released the locked child is handed back as the new root
TreeNode *TreeNode::rotate_left_heavy() {
  TreeNode *root = this;
  TreeNode *child = nullptr;
  if (key > 10) {
    child = left.get_locked();
    if (child->key < 0) {
      TreeNode *grand = child->right.get_locked();
      child->right.ptr = grand->left.ptr;
      grand->left.ptr = child;
      root = grand;
    } else {
      left.ptr = child->right.ptr;
      child->right.ptr = this;
      root = child;
    }
  }
  if (child && child != root)
    child->unlock();
  if (this != root)
    unlock();
  return root;
}

// clean: lock-not-released the child comes back locked (rebalanced), or null
TreeNode *TreeNode::lock_left_balanced() {
  TreeNode *child = left.get_locked();
  if (child) {
    TreeNode *root = child->rotate_left_heavy();
    left.ptr = root;
    child = root;
  }
  return child;
}

// Hand over hand: the child's lock goes down with the search.
// clean: lock-not-released the locked child carries the search on
TreeNode *TreeNode::parent_of(int K) {
  TreeNode *child = lock_left_balanced();
  if (child == nullptr)
    return this;
  if (child->key == K) {
    child->unlock();
    return this;
  }
  unlock();
  return child->parent_of(K);
}

// clean: lock-unlock-not-held the child is unlocked only when one came back
int left_key(TreeNode &N) {
  TreeNode *C = N.left.get_locked();
  if (!C)
    return -1;
  int K = C->key;
  C->unlock();
  return K;
}

} // namespace tree_slots
