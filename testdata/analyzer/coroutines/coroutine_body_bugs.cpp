// The lock checks still judge what a coroutine's body does when it runs: double locks and leaks inside it.
#include "coro_support.hpp"

#include <mutex>

namespace body {

std::mutex mu;
int counter = 0;

void Helper() {
  std::lock_guard<std::mutex> g(mu);
  ++counter;
}

// A double lock after the first suspension, through a helper that locks mu.
coro::LazyTask Relock() {
  co_await coro::Reschedule{};
  std::lock_guard<std::mutex> g(mu);
  Helper(); // expect: lock-double-lock "'mu'"
}

// The same in a generator, directly.
coro::Generator<int> Rows(int n) {
  for (int i = 0; i < n; ++i)
    co_yield i;
  mu.lock();
  mu.lock(); // expect: lock-double-lock "'mu'"
  mu.unlock();
}

// co_return leaves the body with mu still locked.
coro::LazyTask EarlyOut(bool skip) {
  co_await coro::Reschedule{};
  mu.lock(); // expect: lock-not-released "'mu'"
  if (skip)
    co_return;
  ++counter;
  mu.unlock();
}

// An eager task unlocks twice.
coro::EagerTask Twice() {
  co_await coro::Reschedule{};
  mu.lock();
  ++counter;
  mu.unlock();
  mu.unlock(); // expect: lock-unlock-not-held "'mu'"
}

// A member coroutine double-locks its object's mutex.
class Store {
public:
  coro::LazyTask Flush() {
    co_await coro::Reschedule{};
    std::lock_guard<std::mutex> g(mu_);
    Count(); // expect: lock-double-lock "'mu_'"
  }

private:
  void Count() {
    std::lock_guard<std::mutex> g(mu_);
    ++n_;
  }
  std::mutex mu_;
  int n_ = 0;
};

} // namespace body
