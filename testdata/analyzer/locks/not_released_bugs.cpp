// lock-not-released: a mutex still held when the function exits on some path (early returns, exceptions).
#include "annotated_spinlock.h"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace jobs {

// The early return for an empty queue leaves the mutex locked.
class JobQueue {
public:
  std::optional<int> TryPop() noexcept {
    mu_.lock(); // expect: lock-not-released "'mu_'"
    if (size_ == 0)
      return std::nullopt;
    int Job = jobs_[--size_];
    mu_.unlock();
    return Job;
  }

private:
  std::mutex mu_;
  int jobs_[64] = {};
  int size_ = 0;
};

} // namespace jobs

namespace orders {

struct Order {
  int id = 0;
  std::string customer;
};

// Validate() throws between lock() and unlock(): the exception leaves
// the book locked for every other thread.
void Validate(const Order &O) {
  if (O.id <= 0 || O.customer.empty())
    throw std::invalid_argument("incomplete order");
}

class OrderBook {
public:
  void Add(const Order &O) {
    mu_.lock(); // expect: lock-not-released
    Validate(O);
    ++count_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int count_ = 0;
};

} // namespace orders

namespace stats {

// try_lock succeeded, then a busy check returns without unlocking.
class Flusher {
public:
  bool TryFlush() noexcept {
    if (mu_.try_lock()) { // expect: lock-not-released
      if (busy_)
        return false;
      dirty_ = 0;
      mu_.unlock();
      return true;
    }
    return false;
  }

private:
  std::mutex mu_;
  bool busy_ = false;
  int dirty_ = 0;
};

} // namespace stats

namespace files {

// C code style: the error path after pthread_mutex_lock returns early.
struct FileTable {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  int fds[32] = {};
  int open = 0;
};

int AddFd(FileTable *T, int Fd) {
  pthread_mutex_lock(&T->lock); // expect: lock-not-released
  if (Fd < 0 || T->open == 32)
    return -1;
  T->fds[T->open++] = Fd;
  pthread_mutex_unlock(&T->lock);
  return 0;
}

} // namespace files

namespace routes {

// A read lock on a pthread rwlock that one branch of the switch never
// releases.
struct Routes {
  pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  int v4 = 0;
  int v6 = 0;
};

int Lookup(Routes *R, int Family) {
  pthread_rwlock_rdlock(&R->rw); // expect: lock-not-released
  int Result = 0;
  switch (Family) {
  case 4:
    Result = R->v4;
    break;
  case 6:
    Result = R->v6;
    return Result;
  default:
    Result = -1;
    break;
  }
  pthread_rwlock_unlock(&R->rw);
  return Result;
}

} // namespace routes

namespace session {

// unique_lock::release() gives up ownership without unlocking: nobody
// unlocks the mutex afterwards.
class Session {
public:
  int Close() {
    std::unique_lock<std::mutex> lk(mu_); // expect: lock-not-released
    open_ = false;
    lk.release();
    return generation_;
  }

private:
  std::mutex mu_;
  bool open_ = true;
  int generation_ = 0;
};

} // namespace session

namespace metrics {

// An annotated spin lock left held on the overflow path.
class Gauge {
public:
  bool Set(int Value) noexcept {
    lock_.Lock(); // expect: lock-not-released
    if (Value > max_)
      return false;
    value_ = Value;
    lock_.Unlock();
    return true;
  }

private:
  util::SpinLock lock_;
  int value_ = 0;
  int max_ = 1000;
};

} // namespace metrics

namespace store {

// The reader path of a shared_mutex: a missing key throws with the shared
// lock still held.
class Settings {
public:
  std::string Get(const std::string &Key) {
    mu_.lock_shared(); // expect: lock-not-released
    auto It = values_.find(Key);
    if (It == values_.end())
      throw std::out_of_range("no setting " + Key);
    std::string Value = It->second;
    mu_.unlock_shared();
    return Value;
  }

private:
  std::shared_mutex mu_;
  std::map<std::string, std::string> values_;
};

} // namespace store

namespace timers {

// try_lock_for succeeded, then a corrupt entry returns from inside the loop
// without unlocking.
class Scheduler {
public:
  int RunDue(int Now) noexcept {
    int Ran = 0;
    if (!mu_.try_lock_for(std::chrono::milliseconds(5))) // expect: lock-not-released
      return 0;
    for (int I = 0; I < count_; ++I) {
      if (due_[I] > Now)
        continue;
      if (due_[I] < 0)
        return -1;
      ++Ran;
    }
    mu_.unlock();
    return Ran;
  }

private:
  std::timed_mutex mu_;
  int due_[16] = {};
  int count_ = 0;
};

} // namespace timers

namespace pools {

// A class template instantiated twice: one bug in the source is one finding,
// not one per instantiation. (Nothing calls the buggy functions here, so
// no caller inherits the leak.)
template <typename T> class ObjectPool {
public:
  T *Take() noexcept {
    mu_.lock(); // expect: lock-not-released
    if (free_ == 0)
      return nullptr;
    T *Obj = &slots_[--free_];
    mu_.unlock();
    return Obj;
  }

private:
  std::mutex mu_;
  T slots_[8] = {};
  int free_ = 0;
};

template class ObjectPool<int>;
template class ObjectPool<double>;

// A lambda body is a function of its own: the early return inside it leaks.
class Timer {
public:
  void Schedule() {
    tick_ = [this]() noexcept {
      mu_.lock(); // expect: lock-not-released
      if (paused_)
        return;
      ++ticks_;
      mu_.unlock();
    };
  }

private:
  std::function<void()> tick_;
  std::mutex mu_;
  bool paused_ = false;
  long ticks_ = 0;
};

} // namespace pools
