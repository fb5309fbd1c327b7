// lock-unlock-not-held look-alikes: every release here happens on paths where the mutex is held.
#include "annotated_spinlock.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>
#include <vector>

namespace conn {

// clean: lock-unlock-not-held  an Unlock() wrapper releases what its caller took with Lock()
class Connection {
public:
  void Lock() { pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

  void Close() noexcept {
    Lock();
    open_ = false;
    Unlock();
  }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
  bool open_ = true;
};

} // namespace conn

namespace events {

using Callback = void (*)(int) noexcept;

// clean: lock-unlock-not-held  unlock around each callback, re-lock after it
class Bus {
public:
  void Publish(int Event) noexcept {
    mu_.lock();
    for (int I = 0; I < count_; ++I) {
      Callback Cb = callbacks_[I];
      mu_.unlock();
      Cb(Event);
      mu_.lock();
    }
    mu_.unlock();
  }

private:
  std::mutex mu_;
  Callback callbacks_[8] = {};
  int count_ = 0;
};

} // namespace events

namespace stats {

// clean: lock-unlock-not-held  unlock only in try_lock's success branch
class Sampler {
public:
  void Sample(long Value) noexcept {
    if (mu_.try_lock()) {
      last_ = Value;
      mu_.unlock();
    } else {
      ++dropped_;
    }
  }

private:
  std::mutex mu_;
  long last_ = 0;
  long dropped_ = 0;
};

} // namespace stats

namespace net {

// clean: lock-unlock-not-held  a unique_lock unlocked early; its destructor then releases nothing
class Socket {
public:
  void Send(const std::string &Data) {
    std::unique_lock<std::mutex> lk(mu_);
    outbox_.push_back(Data);
    lk.unlock();
    Kick();
  }

  // clean: lock-unlock-not-held  release() gives up ownership without unlocking; the mutex is unlocked by hand
  int Pending() {
    std::unique_lock<std::mutex> lk(mu_);
    int N = static_cast<int>(outbox_.size());
    lk.release();
    mu_.unlock();
    return N;
  }

  // clean: lock-unlock-not-held  adopt_lock takes over a mutex locked by hand, then unlocks it once
  void Clear() {
    mu_.lock();
    std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
    outbox_.clear();
    lk.unlock();
  }

private:
  static void Kick() {}
  std::mutex mu_;
  std::deque<std::string> outbox_;
};

} // namespace net

namespace buffers {

struct Ring {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  int used = 0;
  int capacity = 64;
};

// clean: lock-unlock-not-held  each exit path unlocks exactly once
int Reserve(Ring *R, int N) {
  pthread_mutex_lock(&R->mu);
  if (R->used + N > R->capacity) {
    pthread_mutex_unlock(&R->mu);
    return -1;
  }
  R->used += N;
  pthread_mutex_unlock(&R->mu);
  return 0;
}

// clean: lock-unlock-not-held  C-style cleanup label reached only with the lock held
int Release(Ring *R, int N) {
  int Rc = 0;
  pthread_mutex_lock(&R->mu);
  if (N > R->used) {
    Rc = -1;
    goto out;
  }
  R->used -= N;
out:
  pthread_mutex_unlock(&R->mu);
  return Rc;
}

} // namespace buffers

namespace jobs {

// clean: lock-unlock-not-held  a condition-variable wait re-acquires the lock before returning
class JobQueue {
public:
  int Pop() {
    std::unique_lock<std::mutex> lk(mu_);
    ready_.wait(lk, [this] { return !jobs_.empty(); });
    int Job = jobs_.front();
    jobs_.pop_front();
    lk.unlock();
    return Job;
  }

private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<int> jobs_;
};

} // namespace jobs

namespace store {

// clean: lock-unlock-not-held  shared lock and unlock_shared, and a shared_lock unlocked early
class Catalog {
public:
  int Version() noexcept {
    mu_.lock_shared();
    int V = version_;
    mu_.unlock_shared();
    return V;
  }

  std::string Name() {
    std::shared_lock<std::shared_mutex> read(mu_);
    std::string Copy = name_;
    read.unlock();
    return Copy;
  }

private:
  std::shared_mutex mu_;
  int version_ = 0;
  std::string name_;
};

} // namespace store

namespace frames {

// clean: lock-unlock-not-held  an annotated TryLock(): Unlock() only when it succeeded
class FramePool {
public:
  bool TryRecycle() noexcept {
    if (!lock_.TryLock())
      return false;
    ++free_;
    lock_.Unlock();
    return true;
  }

private:
  util::SpinLock lock_;
  int free_ = 0;
};

} // namespace frames

namespace workers {

// clean: lock-unlock-not-held  a while loop that drops and re-takes the unique_lock around each job
class Worker {
public:
  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stop_) {
      int Job = next_++;
      lk.unlock();
      Process(Job);
      lk.lock();
    }
  }

  // clean: lock-unlock-not-held  a helper unlocks the guard it is handed; the caller's guard then owns nothing
  void Finish() {
    std::unique_lock<std::mutex> lk(mu_);
    stop_ = true;
    Release(lk);
    Process(-1);
  }

private:
  static void Process(int) {}
  void Release(std::unique_lock<std::mutex> &Lk) {
    if (Lk.owns_lock())
      Lk.unlock();
  }

  std::mutex mu_;
  bool stop_ = false;
  int next_ = 0;
};

} // namespace workers
