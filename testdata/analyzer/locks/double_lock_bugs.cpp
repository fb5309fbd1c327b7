// lock-double-lock: a non-recursive mutex acquired again while already held, directly or through a helper.
#include "annotated_spinlock.h"
#include "legacy_annotations.h"

#include <cstddef>
#include <map>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>
#include <vector>

namespace cache {

// A cache whose Put() evicts while holding the lock, but Evict() is also a
// public entry point and takes the lock itself: double lock through a call.
class LruCache {
public:
  void Evict() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!entries_.empty())
      entries_.erase(entries_.begin());
  }

  void Put(const std::string &Key, int Value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_)
      Evict(); // expect: lock-double-lock "'mu_'"
    entries_[Key] = Value;
  }

private:
  std::mutex mu_;
  std::map<std::string, int> entries_;
  std::size_t capacity_ = 128;
};

} // namespace cache

namespace logging {

// The flush path re-acquires the mutex that the caller's unique_lock holds.
class Logger {
public:
  void Write(const std::string &Line) {
    std::unique_lock<std::mutex> lk(mu_);
    pending_.push_back(Line);
    if (pending_.size() > 64) {
      std::lock_guard<std::mutex> flush(mu_); // expect: lock-double-lock
      written_ += pending_.size();
      pending_.clear();
    }
  }

private:
  std::mutex mu_;
  std::vector<std::string> pending_;
  std::size_t written_ = 0;
};

} // namespace logging

namespace work {

// try_lock succeeded, so the queue mutex is held when Drain() locks it again.
class WorkQueue {
public:
  void Drain() noexcept {
    mu_.lock();
    items_ = 0;
    mu_.unlock();
  }

  void Poll() noexcept {
    if (mu_.try_lock()) {
      if (items_ > 100)
        Drain(); // expect: lock-double-lock
      mu_.unlock();
    }
  }

private:
  std::mutex mu_;
  int items_ = 0;
};

} // namespace work

namespace pool {

// A retry loop locks on every iteration but unlocks only when it succeeds:
// the second iteration locks the mutex it still holds, and running out of
// attempts returns holding it.
struct Slots {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  int free = 0;
};

int TakeSlot(Slots &S) {
  for (int Attempt = 0; Attempt < 3; ++Attempt) {
    pthread_mutex_lock(&S.lock); // expect: lock-double-lock expect: lock-not-released
    if (S.free > 0) {
      --S.free;
      pthread_mutex_unlock(&S.lock);
      return 0;
    }
  }
  return -1;
}

} // namespace pool

namespace store {

// Upgrading a shared lock to an exclusive one on the same shared_mutex
// deadlocks: the writer waits for all readers, itself included.
class Config {
public:
  std::string GetOrDefault(const std::string &Key) {
    std::shared_lock<std::shared_mutex> read(mu_);
    auto It = values_.find(Key);
    if (It != values_.end())
      return It->second;
    std::unique_lock<std::shared_mutex> write(mu_); // expect: lock-double-lock
    return values_[Key] = "default";
  }

private:
  std::shared_mutex mu_;
  std::map<std::string, std::string> values_;
};

} // namespace store

namespace bank {

// std::lock took both mutexes; the second guard forgot std::adopt_lock and
// locks to.mu_ a second time.
struct Account {
  std::mutex mu_;
  long balance_ = 0;
};

void Transfer(Account &From, Account &To, long Amount) {
  std::lock(From.mu_, To.mu_);
  std::lock_guard<std::mutex> l1(From.mu_, std::adopt_lock);
  std::lock_guard<std::mutex> l2(To.mu_); // expect: lock-double-lock
  From.balance_ -= Amount;
  To.balance_ += Amount;
}

} // namespace bank

namespace registry {

// A scoped_lock over two mutexes, one of which the caller already holds.
class Registry {
public:
  void Rename(int Id, const std::string &Name) {
    std::lock_guard<std::mutex> g(names_mu_);
    std::scoped_lock both(names_mu_, ids_mu_); // expect: lock-double-lock "'names_mu_'"
    names_[Id] = Name;
  }

private:
  std::mutex names_mu_;
  std::mutex ids_mu_;
  std::map<int, std::string> names_;
};

} // namespace registry

namespace metrics {

// An annotated spin lock: Dump() holds it and calls Size(), which locks it.
class Histogram {
public:
  std::size_t Size() {
    util::SpinGuard g(lock_);
    return buckets_.size();
  }

  std::string Dump() {
    util::SpinGuard g(lock_);
    std::string Out = "buckets=";
    Out += std::to_string(Size()); // expect: lock-double-lock
    return Out;
  }

private:
  util::SpinLock lock_;
  std::vector<int> buckets_;
};

} // namespace metrics

namespace session {

// Moving the unique_lock does not release the mutex: the new owner still
// holds it when Touch() locks the mutex by hand.
class Session {
public:
  std::unique_lock<std::mutex> Hold() {
    std::unique_lock<std::mutex> lk(mu_);
    ++holds_;
    return lk;
  }

  void Touch() {
    std::unique_lock<std::mutex> first(mu_);
    std::unique_lock<std::mutex> owner = std::move(first);
    ++holds_;
    mu_.lock(); // expect: lock-double-lock
    ++holds_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int holds_ = 0;
};

} // namespace session

namespace compaction {

// The annotation says callers hold mutex_, so taking it again deadlocks.
class Db {
public:
  void MaybeScheduleCompaction() EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    port::MutexLock l(&mutex_); // expect: lock-double-lock
    scheduled_ = true;
  }

private:
  port::Mutex mutex_;
  bool scheduled_ GUARDED_BY(mutex_) = false;
};

} // namespace compaction
