// coro-lock-across-suspend look-alikes: every lock is released before the coroutine suspends, or nothing suspends.
#include "coro_support.hpp"

#include <coroutine>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace released {

std::mutex mu;
std::vector<std::string> log_lines;

// clean: coro-lock-across-suspend  the guard's scope ends before the co_await
coro::LazyTask Append(std::string line) {
  {
    std::lock_guard<std::mutex> g(mu);
    log_lines.push_back(line);
  }
  co_await coro::Reschedule{};
  std::lock_guard<std::mutex> g(mu);
  log_lines.push_back("done");
}

// clean: coro-lock-across-suspend  unique_lock::unlock() before the co_await, lock() again after it
coro::LazyTask Trim() {
  std::unique_lock<std::mutex> lk(mu);
  std::string last = log_lines.back();
  lk.unlock();
  co_await coro::Reschedule{};
  lk.lock();
  log_lines.push_back(last);
}

// clean: coro-lock-across-suspend  manual lock() and unlock() before each co_yield of a generator
coro::Generator<std::string> Rows() {
  for (std::size_t i = 0;; ++i) {
    mu.lock();
    if (i >= log_lines.size()) {
      mu.unlock();
      break;
    }
    std::string row = log_lines[i];
    mu.unlock();
    co_yield row;
  }
}

// clean: coro-lock-across-suspend  awaiting std::suspend_never never suspends
coro::LazyTask NoHop() {
  std::lock_guard<std::mutex> g(mu);
  co_await std::suspend_never{};
  log_lines.clear();
}

// clean: coro-lock-across-suspend  awaiters whose await_ready() returns true (plain and constexpr) never suspend
coro::LazyTask Cached() {
  std::lock_guard<std::mutex> g(mu);
  int n = co_await coro::Ready{3};
  co_await coro::ReadyConst{};
  log_lines.resize(n);
}

// clean: coro-lock-across-suspend  an eager task that locks only after its last suspension
coro::EagerTask Finish() {
  co_await coro::Reschedule{};
  std::lock_guard<std::mutex> g(mu);
  log_lines.push_back("finished");
}

// clean: coro-lock-across-suspend  the lock is taken on one branch and the suspension is on the other
coro::LazyTask Either(bool now) {
  if (now) {
    std::lock_guard<std::mutex> g(mu);
    log_lines.clear();
  } else {
    co_await coro::Reschedule{};
  }
}

// clean: coro-lock-across-suspend  a shared_lock in an inner scope that ends before the co_await
std::shared_mutex table_mu;
std::vector<int> table;
coro::LazyTask Sum() {
  int total = 0;
  {
    std::shared_lock<std::shared_mutex> r(table_mu);
    for (int v : table)
      total += v;
  }
  co_await coro::Reschedule{};
  log_lines.push_back(std::to_string(total));
}

// clean: coro-lock-across-suspend  a member coroutine copies under the lock, then awaits the upload
coro::LazyTask Upload(std::vector<std::string> lines);
class Journal {
public:
  coro::LazyTask Sync() {
    std::vector<std::string> copy;
    {
      std::scoped_lock lk(mu_);
      copy.swap(pending_);
    }
    co_await Upload(std::move(copy));
  }

private:
  std::mutex mu_;
  std::vector<std::string> pending_;
};

// clean: coro-lock-across-suspend  a function (not a coroutine) holding a lock while it creates and starts a task
void StartUnderLock() {
  std::lock_guard<std::mutex> g(mu);
  coro::LazyTask t = Upload({"x"});
  t.start();
}

// clean: coro-lock-across-suspend  a lambda inside a coroutine locks and unlocks before the co_await
coro::LazyTask WithHelper() {
  auto count = [] {
    std::lock_guard<std::mutex> g(mu);
    return log_lines.size();
  };
  std::size_t n = count();
  co_await coro::Reschedule{};
  log_lines.resize(n);
}

// clean: coro-lock-across-suspend  an awaiter unlocks the mutex it was given while the coroutine is suspended
struct UnlockWhileSuspended {
  std::mutex &m;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    m.unlock();
    h.resume(); // stands in for a waiter queue
  }
  void await_resume() { m.lock(); }
};
coro::LazyTask WaitTurn() {
  mu.lock();
  co_await UnlockWhileSuspended{mu};
  log_lines.push_back("turn");
  mu.unlock();
}

// clean: coro-lock-across-suspend  an awaiter's await_suspend() releases the very global mutex held
struct ReleaseLog {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    mu.unlock();
    h.resume();
  }
  void await_resume() { mu.lock(); }
};
coro::LazyTask Handoff() {
  mu.lock();
  co_await ReleaseLog{};
  log_lines.push_back("handoff");
  mu.unlock();
}

coro::LazyTask Upload(std::vector<std::string> lines) {
  co_await coro::Reschedule{};
  std::lock_guard<std::mutex> g(mu);
  log_lines.insert(log_lines.end(), lines.begin(), lines.end());
}

} // namespace released
