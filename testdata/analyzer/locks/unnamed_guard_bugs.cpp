// lock-unnamed-guard: guards that lock nothing, or unlock at the end of their own statement.
// Clang's -Wvexing-parse would flag one of these; users who turned it off need the analyzer.
// lockstep-args: -std=c++20 -Wno-vexing-parse
#include "annotated_spinlock.h"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace counters {

// A temporary lock_guard: locked and unlocked before the increment.
class HitCounter {
public:
  void Hit() {
    std::lock_guard<std::mutex>{mu_}; // expect: lock-unnamed-guard
    ++hits_;
  }

  int Hits() {
    std::lock_guard<std::mutex> g(mu_);
    return hits_;
  }

private:
  std::mutex mu_;
  int hits_ = 0;
};

} // namespace counters

namespace logging {

// `std::unique_lock<std::mutex>(mu_);` declares a new, empty unique_lock
// named mu_ that hides the member: nothing is locked at all.
class Logger {
public:
  void Append(const std::string &Line) {
    std::unique_lock<std::mutex>(mu_); // expect: lock-unnamed-guard
    lines_.push_back(Line);
  }

  std::size_t Size() {
    std::lock_guard<std::mutex> g(mu_);
    return lines_.size();
  }

private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

} // namespace logging

namespace bank {

// A scoped_lock temporary over two mutexes, with class template argument
// deduction.
class Ledger {
public:
  void Move(long Amount) {
    std::scoped_lock{debit_mu_, credit_mu_}; // expect: lock-unnamed-guard
    debit_ -= Amount;
    credit_ += Amount;
  }

  long Balance() {
    std::scoped_lock both(debit_mu_, credit_mu_);
    return credit_ - debit_;
  }

private:
  std::mutex debit_mu_, credit_mu_;
  long debit_ = 0, credit_ = 0;
};

} // namespace bank

namespace store {

// A shared_lock temporary: the read below is unprotected.
class Catalog {
public:
  std::string Get(int Id) {
    std::shared_lock<std::shared_mutex>{mu_}; // expect: lock-unnamed-guard
    auto It = names_.find(Id);
    return It == names_.end() ? std::string() : It->second;
  }

  void Put(int Id, const std::string &Name) {
    std::unique_lock<std::shared_mutex> w(mu_);
    names_[Id] = Name;
  }

private:
  std::shared_mutex mu_;
  std::map<int, std::string> names_;
};

} // namespace store

namespace metrics {

// The annotated scoped guard as a temporary.
class Gauge {
public:
  void Set(int V) {
    util::SpinGuard{lock_}; // expect: lock-unnamed-guard
    value_ = V;
  }

  int Get() {
    util::SpinGuard g(lock_);
    return value_;
  }

private:
  util::SpinLock lock_;
  int value_ = 0;
};

} // namespace metrics

namespace sessions {

// A cast to void keeps -Wunused quiet and still unlocks at once; and a
// guard returned by a Lock() helper and thrown away.
class Sessions {
public:
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mu_); }

  void Open() {
    (void)std::lock_guard<std::mutex>(mu_); // expect: lock-unnamed-guard
    ++open_;
  }

  void Close() {
    Lock(); // expect: lock-unnamed-guard
    --open_;
  }

  int Count() {
    auto Held = Lock();
    return open_;
  }

private:
  std::mutex mu_;
  int open_ = 0;
};

} // namespace sessions

namespace queue {

// A deduced lock_guard temporary.
class Queue {
public:
  void Push(int V) {
    std::lock_guard{mu_}; // expect: lock-unnamed-guard
    items_.push_back(V);
  }

  std::size_t Size() {
    std::lock_guard g{mu_};
    return items_.size();
  }

private:
  std::mutex mu_;
  std::vector<int> items_;
};

} // namespace queue
