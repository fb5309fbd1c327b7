// coro-lock-across-suspend: a mutex still held when the coroutine suspends at a co_await or co_yield.
#include "coro_support.hpp"

#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace suspend {

std::mutex mu;
std::vector<std::string> log_lines;

coro::LazyTask Upload(std::string line);

// A lock_guard spans the whole body, so it spans the hop to the scheduler.
coro::LazyTask Append(std::string line) {
  std::lock_guard<std::mutex> g(mu);
  log_lines.push_back(line);
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
  log_lines.push_back("done");
}

// A unique_lock still owns mu while the coroutine awaits another task.
coro::LazyTask Mirror() {
  std::unique_lock<std::mutex> lk(mu);
  std::string last = log_lines.back();
  co_await Upload(last); // expect: coro-lock-across-suspend "'mu'"
}

// scoped_lock over two mutexes: one finding names the first, notes name both.
std::mutex other;
coro::LazyTask Swap() {
  std::scoped_lock both(mu, other);
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
}

// Manual lock() and unlock() around the suspension.
coro::LazyTask Manual() {
  mu.lock();
  log_lines.clear();
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
  mu.unlock();
}

// A generator yields every row with the lock held: the consumer runs while
// the generator keeps mu locked.
coro::Generator<std::string> Rows() {
  std::lock_guard<std::mutex> g(mu);
  for (const std::string &l : log_lines)
    co_yield l; // expect: coro-lock-across-suspend "co_yield"
}

// A member coroutine holds its object's mutex across a suspension.
class Journal {
public:
  coro::LazyTask Sync() {
    std::lock_guard<std::mutex> g(mu_);
    ++dirty_;
    co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu_'"
    dirty_ = 0;
  }

private:
  std::mutex mu_;
  int dirty_ = 0;
};

// An eager task: the body starts at the call, and its first co_await
// suspends with mu held.
coro::EagerTask Kick() {
  std::lock_guard<std::mutex> g(mu);
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
}

// A reader lock on a shared_mutex is held across the suspension too.
std::shared_mutex table_mu;
std::vector<int> table;
coro::LazyTask Scan() {
  std::shared_lock<std::shared_mutex> r(table_mu);
  for (int v : table)
    if (v < 0)
      co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'table_mu'"
}

// await_ready() that depends on state may be false: it may suspend.
coro::LazyTask WhenReady(bool ready) {
  std::lock_guard<std::mutex> g(mu);
  co_await coro::MaybeReady{ready}; // expect: coro-lock-across-suspend "'mu'"
}

// Unlocked, then locked again before the suspension.
coro::LazyTask Relock() {
  std::unique_lock<std::mutex> lk(mu);
  log_lines.clear();
  lk.unlock();
  log_lines.shrink_to_fit();
  lk.lock();
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
}

// A lambda coroutine.
auto make_flush = []() -> coro::LazyTask {
  std::lock_guard<std::mutex> g(mu);
  co_await coro::Reschedule{}; // expect: coro-lock-across-suspend "'mu'"
};
coro::LazyTask StartFlush() { return make_flush(); }

coro::LazyTask Upload(std::string line) {
  co_await coro::Reschedule{};
  log_lines.push_back(line);
}

} // namespace suspend
