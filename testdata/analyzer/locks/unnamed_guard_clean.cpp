// lock-unnamed-guard look-alikes: guards that are named, moved, returned or passed on, and so stay locked.
#include "annotated_spinlock.h"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace counters {

// clean: lock-unnamed-guard  a named guard, braced initialization
class HitCounter {
public:
  void Hit() {
    std::lock_guard<std::mutex> g{mu_};
    ++hits_;
  }

  // clean: lock-unnamed-guard  a named guard with a deduced type
  int Hits() {
    auto g = std::unique_lock(mu_);
    return hits_;
  }

private:
  std::mutex mu_;
  int hits_ = 0;
};

} // namespace counters

namespace sessions {

class Sessions {
public:
  // clean: lock-unnamed-guard  a guard created as a temporary and returned: the caller holds it
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mu_); }

  // clean: lock-unnamed-guard  the returned guard is kept in a variable
  void Close() {
    auto Held = Lock();
    --open_;
  }

  // clean: lock-unnamed-guard  a temporary guard passed to a function that needs the lock for the call
  void Open() { OpenLocked(std::unique_lock<std::mutex>(mu_)); }

private:
  void OpenLocked(std::unique_lock<std::mutex> Held) {
    if (Held.owns_lock())
      ++open_;
  }

  std::mutex mu_;
  int open_ = 0;
};

} // namespace sessions

namespace bank {

// clean: lock-unnamed-guard  a named scoped_lock over two mutexes, marked [[maybe_unused]]
class Ledger {
public:
  void Move(long Amount) {
    [[maybe_unused]] std::scoped_lock both(debit_mu_, credit_mu_);
    debit_ -= Amount;
    credit_ += Amount;
  }

private:
  std::mutex debit_mu_, credit_mu_;
  long debit_ = 0, credit_ = 0;
};

} // namespace bank

namespace store {

// clean: lock-unnamed-guard  deferred named guards locked together afterwards
class Catalog {
public:
  void CopyFrom(Catalog &Other) {
    std::unique_lock<std::shared_mutex> mine(mu_, std::defer_lock);
    std::shared_lock<std::shared_mutex> theirs(Other.mu_, std::defer_lock);
    std::lock(mine, theirs);
    names_ = Other.names_;
  }

private:
  std::shared_mutex mu_;
  std::map<int, std::string> names_;
};

} // namespace store

namespace metrics {

// clean: lock-unnamed-guard  a named annotated guard; a parenthesized declaration that does name the guard
class Gauge {
public:
  void Set(int V) {
    util::SpinGuard g(lock_);
    value_ = V;
  }

  int Get() {
    util::SpinGuard(g)(lock_);
    return value_;
  }

private:
  util::SpinLock lock_;
  int value_ = 0;
};

} // namespace metrics

namespace queue {

// clean: lock-unnamed-guard  a guard moved into a member-holding helper object
class Queue {
public:
  struct Locked {
    std::unique_lock<std::mutex> Lock;
    std::vector<int> &Items;
  };

  Locked Access() { return Locked{std::unique_lock<std::mutex>(mu_), items_}; }

  void Push(int V) {
    Locked L = Access();
    L.Items.push_back(V);
  }

private:
  std::mutex mu_;
  std::vector<int> items_;
};

} // namespace queue

namespace macros {

#define LOCKSTEP_CONCAT_INNER(a, b) a##b
#define LOCKSTEP_CONCAT(a, b) LOCKSTEP_CONCAT_INNER(a, b)
// A project macro that declares a uniquely named guard.
#define LOCK_SCOPE(m) std::lock_guard<std::mutex> LOCKSTEP_CONCAT(scope_guard_, __LINE__)(m)

// clean: lock-unnamed-guard  a guard declared through a macro has a (generated) name
class Registry {
public:
  void Add(int Id) {
    LOCK_SCOPE(mu_);
    ids_.push_back(Id);
  }

private:
  std::mutex mu_;
  std::vector<int> ids_;
};

} // namespace macros
