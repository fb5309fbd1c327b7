// lock-not-released look-alikes: functions that return holding a lock on purpose, or release it on every path.
#include "annotated_spinlock.h"

#include <map>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <stdexcept>
#include <string>

namespace conn {

// clean: lock-not-released  a Lock() wrapper returns holding the mutex: its callers acquire
class Connection {
public:
  void Lock() { pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

  void Reset() noexcept {
    Lock();
    retries_ = 0;
    Unlock();
  }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
  int retries_ = 0;
};

} // namespace conn

namespace cache {

// clean: lock-not-released  a function returning the unique_lock hands ownership to its caller
class Cache {
public:
  std::unique_lock<std::mutex> Acquire() {
    std::unique_lock<std::mutex> lk(mu_);
    ++acquisitions_;
    return lk;
  }

  void Put(const std::string &Key, int Value) {
    auto lk = Acquire();
    entries_[Key] = Value;
  }

  // clean: lock-not-released  try_to_lock: return early when the lock was not obtained
  bool TryPut(const std::string &Key, int Value) {
    std::unique_lock<std::mutex> lk(mu_, std::try_to_lock);
    if (!lk.owns_lock())
      return false;
    entries_[Key] = Value;
    return true;
  }

  // clean: lock-not-released  defer_lock, locked only on one branch; the guard releases whatever it holds
  void MaybeClear(bool Force) {
    std::unique_lock<std::mutex> lk(mu_, std::defer_lock);
    if (Force)
      lk.lock();
    else if (!lk.try_lock())
      return;
    entries_.clear();
  }

private:
  std::mutex mu_;
  std::map<std::string, int> entries_;
  int acquisitions_ = 0;
};

} // namespace cache

namespace orders {

struct Order {
  int id = 0;
};

void Validate(const Order &O);
bool Cheap(const Order &O) noexcept;

// clean: lock-not-released  the throwing call is wrapped: the handler unlocks and rethrows
class OrderBook {
public:
  void Add(const Order &O) {
    mu_.lock();
    try {
      Validate(O);
    } catch (...) {
      mu_.unlock();
      throw;
    }
    ++count_;
    mu_.unlock();
  }

  // clean: lock-not-released  only a noexcept call sits between lock and unlock
  void AddTrusted(const Order &O) {
    mu_.lock();
    if (Cheap(O))
      ++count_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int count_ = 0;
};

} // namespace orders

namespace files {

struct FileTable {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  int fds[32] = {};
  int open = 0;
};

// clean: lock-not-released  every early return unlocks first
int AddFd(FileTable *T, int Fd) {
  if (Fd < 0)
    return -1;
  pthread_mutex_lock(&T->lock);
  if (T->open == 32) {
    pthread_mutex_unlock(&T->lock);
    return -1;
  }
  T->fds[T->open++] = Fd;
  pthread_mutex_unlock(&T->lock);
  return 0;
}

} // namespace files

namespace stats {

// clean: lock-not-released  try_lock failed: returning without unlocking is right
class Flusher {
public:
  bool TryFlush() noexcept {
    if (!mu_.try_lock())
      return false;
    dirty_ = 0;
    mu_.unlock();
    return true;
  }

private:
  std::mutex mu_;
  int dirty_ = 0;
};

} // namespace stats

namespace metrics {

// clean: lock-not-released  an annotated scoped guard releases on every return and on exceptions
class Gauge {
public:
  int Set(int Value) {
    util::SpinGuard g(lock_);
    if (Value > max_)
      throw std::invalid_argument("gauge value too large");
    if (Value == value_)
      return 0;
    value_ = Value;
    return 1;
  }

private:
  util::SpinLock lock_;
  int value_ = 0;
  int max_ = 1000;
};

// clean: lock-not-released  a free function annotated as acquiring is a wrapper, and its caller releases
struct Registry {
  util::SpinLock lock_;
  int entries_ = 0;
};

void LockRegistry(Registry &R) ACQUIRE(R.lock_) { R.lock_.Lock(); }
void UnlockRegistry(Registry &R) RELEASE(R.lock_) { R.lock_.Unlock(); }

int CountEntries(Registry &R) noexcept {
  LockRegistry(R);
  int N = R.entries_;
  UnlockRegistry(R);
  return N;
}

} // namespace metrics

namespace store {

// clean: lock-not-released  the value is read under the lock, which is released on both branches before returning
class Settings {
public:
  std::optional<int> Find(int Key) noexcept {
    mu_.lock();
    if (Key < 0 || Key >= 16 || !present_[Key]) {
      mu_.unlock();
      return std::nullopt;
    }
    int Value = values_[Key];
    mu_.unlock();
    return Value;
  }

private:
  std::mutex mu_;
  bool present_[16] = {};
  int values_[16] = {};
};

} // namespace store

namespace pools {

// clean: lock-not-released  a class template instantiated twice, releasing on every path
template <typename T> class ObjectPool {
public:
  T *Take() noexcept {
    mu_.lock();
    if (free_ == 0) {
      mu_.unlock();
      return nullptr;
    }
    T *Obj = &slots_[--free_];
    mu_.unlock();
    return Obj;
  }

private:
  std::mutex mu_;
  T slots_[8] = {};
  int free_ = 0;
};

int *TakeInt(ObjectPool<int> &P) { return P.Take(); }
double *TakeDouble(ObjectPool<double> &P) { return P.Take(); }

} // namespace pools

namespace optional_locking {

// clean: lock-not-released  locked and unlocked under the same condition, checked twice
class Journal {
public:
  void Append(int Entry, bool Shared) noexcept {
    if (Shared)
      mu_.lock();
    last_ = Entry;
    if (Shared)
      mu_.unlock();
  }

  // clean: lock-not-released  try_lock's result kept in a variable, unlock only when it is true
  bool TryAppend(int Entry) noexcept {
    bool Got = mu_.try_lock();
    if (!Got)
      return false;
    last_ = Entry;
    mu_.unlock();
    return true;
  }

  // clean: lock-not-released  every case of the switch unlocks before leaving
  int Apply(int Op) noexcept {
    mu_.lock();
    switch (Op) {
    case 0:
      last_ = 0;
      mu_.unlock();
      return 0;
    case 1:
      ++last_;
      break;
    default:
      mu_.unlock();
      return -1;
    }
    int V = last_;
    mu_.unlock();
    return V;
  }

private:
  std::mutex mu_;
  int last_ = 0;
};

} // namespace optional_locking

namespace transactions {

// clean: lock-not-released  a constructor that stores its lock in a member guard: the object owns the lock
class Transaction {
public:
  explicit Transaction(std::mutex &M) : lk_(M) { ++open_count; }
  void Commit() { lk_.unlock(); }

  static inline int open_count = 0;

private:
  std::unique_lock<std::mutex> lk_;
};

int Run(std::mutex &M) {
  Transaction T(M);
  T.Commit();
  return Transaction::open_count;
}

} // namespace transactions

namespace fatal {

void Validate(int Order);

// clean: lock-not-released  an exception cannot leave a noexcept function (std::terminate runs instead)
class Book {
public:
  void Add(int Order) noexcept {
    mu_.lock();
    Validate(Order);
    ++count_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int count_ = 0;
};

} // namespace fatal
