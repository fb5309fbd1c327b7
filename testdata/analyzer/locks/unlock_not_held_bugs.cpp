// lock-unlock-not-held: a mutex released on a path where it is not held, double unlocks included.
#include "annotated_spinlock.h"

#include <cstddef>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>

namespace jobs {

// The empty-queue branch unlocks but forgets to return, so the final unlock
// runs a second time on that path.
class JobQueue {
public:
  int TryPop() noexcept {
    int Job = -1;
    mu_.lock();
    if (count_ == 0) {
      mu_.unlock();
    } else {
      Job = --count_;
    }
    mu_.unlock(); // expect: lock-unlock-not-held "'mu_'"
    return Job;
  }

private:
  std::mutex mu_;
  int count_ = 0;
};

} // namespace jobs

namespace stats {

// try_lock's result is ignored on the failure path, which then unlocks a
// mutex it never got.
class Sampler {
public:
  void Sample(long Value) noexcept {
    if (!mu_.try_lock())
      ++dropped_;
    last_ = Value;
    mu_.unlock(); // expect: lock-unlock-not-held
  }

private:
  std::mutex mu_;
  long last_ = 0;
  long dropped_ = 0;
};

} // namespace stats

namespace net {

// A unique_lock unlocked twice: the second unlock() has no mutex to release.
class Socket {
public:
  void Send(const std::string &Data) {
    std::unique_lock<std::mutex> lk(mu_);
    outbox_.push_back(Data);
    lk.unlock();
    Kick();
    if (outbox_size_hint_ > 16)
      lk.unlock(); // expect: lock-unlock-not-held
  }

private:
  static void Kick() {}
  std::mutex mu_;
  std::deque<std::string> outbox_;
  std::size_t outbox_size_hint_ = 0;
};

} // namespace net

namespace buffers {

// C-style cleanup: the error path unlocks and then jumps to a label that
// unlocks again.
struct Ring {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  int used = 0;
  int capacity = 64;
};

int Reserve(Ring *R, int N) {
  pthread_mutex_lock(&R->mu);
  if (R->used + N > R->capacity) {
    pthread_mutex_unlock(&R->mu);
    goto fail;
  }
  R->used += N;
  pthread_mutex_unlock(&R->mu);
  return 0;
fail:
  pthread_mutex_unlock(&R->mu); // expect: lock-unlock-not-held
  return -1;
}

} // namespace buffers

namespace index {

// A reader/writer lock released twice on the cache-hit path.
class Index {
public:
  int Lookup(int Key) noexcept {
    pthread_rwlock_rdlock(&rw_);
    int Found = -1;
    if (Key == last_key_) {
      Found = last_value_;
      pthread_rwlock_unlock(&rw_);
    }
    pthread_rwlock_unlock(&rw_); // expect: lock-unlock-not-held
    return Found;
  }

private:
  pthread_rwlock_t rw_ = PTHREAD_RWLOCK_INITIALIZER;
  int last_key_ = 0;
  int last_value_ = 0;
};

} // namespace index

namespace session {

// Unlocking a unique_lock that was moved from: the mutex went with the move.
class Session {
public:
  std::unique_lock<std::mutex> Begin() {
    std::unique_lock<std::mutex> lk(mu_);
    std::unique_lock<std::mutex> keep = std::move(lk);
    ++opened_;
    lk.unlock(); // expect: lock-unlock-not-held
    return keep;
  }

private:
  std::mutex mu_;
  int opened_ = 0;
};

} // namespace session

namespace frames {

// An annotated lock released through a helper of the same file, on a path
// where the caller never took it.
class FramePool {
public:
  void Lock() { lock_.Lock(); }
  void Unlock() { lock_.Unlock(); }

  void Recycle(int Frame) noexcept {
    if (Frame < 0) {
      Unlock(); // expect: lock-unlock-not-held
      return;
    }
    Lock();
    free_ += 1;
    Unlock();
  }

  void Reset() noexcept {
    Lock();
    free_ = 0;
    Unlock();
    Unlock(); // expect: lock-unlock-not-held
  }

private:
  util::SpinLock lock_;
  int free_ = 0;
};

} // namespace frames

namespace events {

// Releasing the shared lock around each delivery but never re-taking it: the
// second iteration releases a lock it no longer holds.
void Deliver(int Version) noexcept;

class Publisher {
public:
  void Publish() noexcept {
    mu_.lock_shared();
    int V = version_;
    int Sent = 0;
    do {
      mu_.unlock_shared(); // expect: lock-unlock-not-held
      Deliver(V);
    } while (++Sent < subscribers_);
  }

private:
  std::shared_mutex mu_;
  int version_ = 0;
  int subscribers_ = 1;
};

} // namespace events

namespace uploads {

// try_to_lock may fail; the unlock() at the end assumes it did not.
class Uploader {
public:
  bool Flush() {
    std::unique_lock<std::mutex> lk(mu_, std::try_to_lock);
    bool Got = lk.owns_lock();
    if (Got)
      queued_ = 0;
    lk.unlock(); // expect: lock-unlock-not-held
    return Got;
  }

  // The annotated TryLock()'s result is ignored.
  void Touch() noexcept {
    lock_.TryLock();
    ++touches_;
    lock_.Unlock(); // expect: lock-unlock-not-held
  }

private:
  std::mutex mu_;
  util::SpinLock lock_;
  int queued_ = 0;
  int touches_ = 0;
};

} // namespace uploads
