// lock-double-lock look-alikes: code that takes a mutex more than once per function but never while holding it.
#include "annotated_spinlock.h"
#include "legacy_annotations.h"

#include <cstddef>
#include <map>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>
#include <vector>

namespace tree {

// clean: lock-double-lock  a recursive mutex may be re-locked by its owner
class Directory {
public:
  std::size_t Count() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return children_.size();
  }

  bool Add(const std::string &Name) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (Count() > 1000)
      return false;
    children_.push_back(Name);
    return true;
  }

private:
  std::recursive_mutex mu_;
  std::vector<std::string> children_;
};

} // namespace tree

namespace stats {

// clean: lock-double-lock  try_lock failed, so locking in the failure branch is the fallback
class Counters {
public:
  void Record(long Value) noexcept {
    if (!mu_.try_lock()) {
      ++contended_;
      mu_.lock();
    }
    total_ += Value;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  long total_ = 0;
  long contended_ = 0;
};

} // namespace stats

namespace io {

// clean: lock-double-lock  unique_lock::unlock() around slow work, then lock() again
class Writer {
public:
  void Flush() {
    std::unique_lock<std::mutex> lk(mu_);
    std::vector<std::string> Batch;
    Batch.swap(pending_);
    lk.unlock();
    for (const std::string &Line : Batch)
      Emit(Line);
    lk.lock();
    ++flushes_;
  }

private:
  static void Emit(const std::string &) {}
  std::mutex mu_;
  std::vector<std::string> pending_;
  int flushes_ = 0;
};

} // namespace io

namespace cache {

// clean: lock-double-lock  the guard's scope ends before the helper that locks is called
class LruCache {
public:
  void Evict() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!entries_.empty())
      entries_.erase(entries_.begin());
  }

  void Put(const std::string &Key, int Value) {
    bool Full;
    {
      std::lock_guard<std::mutex> lock(mu_);
      entries_[Key] = Value;
      Full = entries_.size() > capacity_;
    }
    if (Full)
      Evict();
  }

  // clean: lock-double-lock  the helper only requires the lock; it never takes it
  void PutAndTrim(const std::string &Key, int Value) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[Key] = Value;
    EvictLocked();
  }

private:
  // Requires mu_ held.
  void EvictLocked() {
    while (entries_.size() > capacity_)
      entries_.erase(entries_.begin());
  }

  std::mutex mu_;
  std::map<std::string, int> entries_;
  std::size_t capacity_ = 128;
};

} // namespace cache

namespace table {

// clean: lock-double-lock  two different mutexes of one object, and the mutex of a local object
class Table {
public:
  void Insert(int Row) {
    std::lock_guard<std::mutex> data(data_mu_);
    std::lock_guard<std::mutex> stats(stats_mu_);
    rows_.push_back(Row);
    ++inserts_;
  }

  Table Snapshot() {
    Table Copy;
    std::lock_guard<std::mutex> mine(data_mu_);
    std::lock_guard<std::mutex> theirs(Copy.data_mu_);
    Copy.rows_ = rows_;
    return Copy;
  }

  Table() = default;
  Table(Table &&Other) noexcept : rows_(std::move(Other.rows_)) {}

private:
  std::mutex data_mu_;
  std::mutex stats_mu_;
  std::vector<int> rows_;
  long inserts_ = 0;
};

} // namespace table

namespace store {

// clean: lock-double-lock  the shared lock is released before the exclusive one is taken
class Config {
public:
  std::string GetOrDefault(const std::string &Key) {
    {
      std::shared_lock<std::shared_mutex> read(mu_);
      auto It = values_.find(Key);
      if (It != values_.end())
        return It->second;
    }
    std::unique_lock<std::shared_mutex> write(mu_);
    return values_.try_emplace(Key, "default").first->second;
  }

private:
  std::shared_mutex mu_;
  std::map<std::string, std::string> values_;
};

} // namespace store

namespace conn {

// clean: lock-double-lock  Lock()/Unlock() wrappers called in sequence, never nested
class Connection {
public:
  void Lock() { pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

  void Reconnect() noexcept {
    Lock();
    state_ = 0;
    Unlock();
    Lock();
    state_ = 1;
    Unlock();
  }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
  int state_ = 0;
};

} // namespace conn

namespace bank {

struct Account {
  std::mutex mu_;
  long balance_ = 0;
};

// clean: lock-double-lock  std::lock then guards that adopt both mutexes
void Transfer(Account &From, Account &To, long Amount) {
  std::lock(From.mu_, To.mu_);
  std::lock_guard<std::mutex> l1(From.mu_, std::adopt_lock);
  std::lock_guard<std::mutex> l2(To.mu_, std::adopt_lock);
  From.balance_ -= Amount;
  To.balance_ += Amount;
}

// clean: lock-double-lock  unique_lock with defer_lock locks nothing until std::lock
void Swap(Account &A, Account &B) {
  std::unique_lock<std::mutex> la(A.mu_, std::defer_lock);
  std::unique_lock<std::mutex> lb(B.mu_, std::defer_lock);
  std::lock(la, lb);
  std::swap(A.balance_, B.balance_);
}

} // namespace bank

namespace metrics {

// clean: lock-double-lock  an annotated spin lock released with Unlock() before the helper takes it
class Histogram {
public:
  std::size_t Size() {
    util::SpinGuard g(lock_);
    return buckets_.size();
  }

  std::string Dump() {
    lock_.Lock();
    std::size_t N = buckets_.size();
    lock_.Unlock();
    return "buckets=" + std::to_string(N) + "/" + std::to_string(Size());
  }

private:
  util::SpinLock lock_;
  std::vector<int> buckets_;
};

} // namespace metrics

namespace batches {

// clean: lock-double-lock  a helper unlocks the caller's unique_lock (passed by reference) before the caller locks again
class Batcher {
public:
  void Add(int V) {
    std::unique_lock<std::mutex> lk(mu_);
    items_.push_back(V);
    Commit(lk);
    Trim();
  }

  // clean: lock-double-lock  try_to_lock, then lock() only when the guard does not own the mutex
  void AddEventually(int V) {
    std::unique_lock<std::mutex> lk(mu_, std::try_to_lock);
    if (!lk.owns_lock())
      lk.lock();
    items_.push_back(V);
  }

private:
  void Commit(std::unique_lock<std::mutex> &Lk) {
    ++commits_;
    Lk.unlock();
  }

  void Trim() {
    std::lock_guard<std::mutex> g(mu_);
    if (items_.size() > 100)
      items_.clear();
  }

  std::mutex mu_;
  std::vector<int> items_;
  int commits_ = 0;
};

} // namespace batches

namespace parsing {

std::vector<int> Parse(const std::string &Text);

// clean: lock-double-lock  the guard in the try block is destroyed before the handler locks again
class Parser {
public:
  void Feed(const std::string &Text) {
    try {
      std::lock_guard<std::mutex> g(mu_);
      parsed_ = Parse(Text);
    } catch (...) {
      std::lock_guard<std::mutex> g(mu_);
      ++errors_;
    }
  }

private:
  std::mutex mu_;
  std::vector<int> parsed_;
  int errors_ = 0;
};

} // namespace parsing

namespace shards {

// clean: lock-double-lock  shards chosen by a computed index are different locks on different calls
class ShardedCounter {
public:
  void Add(unsigned Key, long N) {
    Shard &S = shards_[Key % 16];
    std::lock_guard<std::mutex> g(S.mu);
    S.value += N;
  }

  // clean: lock-double-lock  locking every shard in a loop takes a different mutex on each iteration
  long Total() noexcept {
    for (Shard &S : shards_)
      S.mu.lock();
    long Sum = 0;
    for (Shard &S : shards_)
      Sum += S.value;
    for (Shard &S : shards_)
      S.mu.unlock();
    return Sum;
  }

private:
  struct Shard {
    std::mutex mu;
    long value = 0;
  };
  Shard shards_[16];
};

} // namespace shards

namespace compaction {

// clean: lock-double-lock  a leveldb-style guard, with the mutex dropped for I/O and taken back in the middle
class Db {
public:
  int Write(int Record) {
    port::MutexLock l(&mutex_);
    int Seq = ++sequence_;
    mutex_.Unlock();
    int Rc = AppendToLog(Record);
    mutex_.Lock();
    last_rc_ = Rc;
    return Seq;
  }

  // clean: lock-double-lock  a function that requires the mutex releases it around slow work and re-takes it
  void BackgroundCompaction() EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    mutex_.AssertHeld();
    mutex_.Unlock();
    int Rc = AppendToLog(0);
    mutex_.Lock();
    last_rc_ = Rc;
  }

  void RunCompaction() {
    port::MutexLock l(&mutex_);
    BackgroundCompaction();
    ++sequence_;
  }

private:
  static int AppendToLog(int) noexcept { return 0; }
  port::Mutex mutex_;
  int sequence_ GUARDED_BY(mutex_) = 0;
  int last_rc_ GUARDED_BY(mutex_) = 0;
};

} // namespace compaction
