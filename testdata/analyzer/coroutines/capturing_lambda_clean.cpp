// coro-capturing-lambda look-alikes: closures that outlive their coroutines, captures used before any suspension, parameters instead of captures.
#include "coro_support.hpp"

#include <string>
#include <utility>
#include <vector>

namespace lambdas_ok {

std::vector<std::string> sent;
std::vector<coro::LazyTask> queue;

// clean: coro-capturing-lambda  a captureless lambda coroutine copies what it needs into its parameters
void EnqueueId(int id) {
  queue.push_back([](int copy) -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(std::to_string(copy));
  }(id));
}

// clean: coro-capturing-lambda  an eager lambda coroutine reads its captures before its first suspension
coro::EagerTask StartJob(std::string name) {
  coro::EagerTask t = [name]() -> coro::EagerTask {
    std::string mine = name;
    co_await coro::Reschedule{};
    sent.push_back(mine);
  }();
  return t;
}

// clean: coro-capturing-lambda  called and awaited in one full-expression: the closure temporary outlives the await
coro::LazyTask SendNow(int id) {
  co_await [id]() -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(std::to_string(id));
  }();
}

// clean: coro-capturing-lambda  a named closure whose tasks are all awaited while it is in scope
coro::LazyTask SendTwice(std::string msg) {
  auto send = [&msg]() -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(msg);
  };
  co_await send();
  co_await send();
}

// clean: coro-capturing-lambda  a member function runs a this-capturing lambda coroutine with sync_wait
class Connection {
public:
  void Close() {
    coro::sync_wait([this]() -> coro::LazyTask {
      co_await coro::Reschedule{};
      Flush();
    }());
  }
  void Flush() { sent.emplace_back("flush"); }
};

// clean: coro-capturing-lambda  awaits that never suspend: an eager lambda finishes inside the call
coro::EagerTask Quick(int n) {
  coro::EagerTask t = [n]() -> coro::EagerTask {
    co_await std::suspend_never{};
    int k = co_await coro::Ready{n};
    sent.push_back(std::to_string(k + n));
  }();
  return t;
}

// clean: coro-capturing-lambda  a lambda that captures but is not a coroutine
int AddLater(int x) {
  auto add = [x](int y) { return x + y; };
  return add(1);
}

// clean: coro-capturing-lambda  a closure with static storage lives until the program ends
auto numbers = [start = 10]() -> coro::Generator<int> {
  for (int i = start;; ++i)
    co_yield i;
};
int FirstNumber() {
  coro::Generator<int> g = numbers();
  return g.next().value_or(-1);
}

// clean: coro-capturing-lambda  an eager init-capture used only before the coroutine suspends
coro::EagerTask Announce(std::string text) {
  coro::EagerTask t = [s = std::move(text)]() -> coro::EagerTask {
    sent.push_back(s);
    co_await coro::Reschedule{};
    sent.emplace_back("announced");
  }();
  return t;
}

// clean: coro-capturing-lambda  a generator's closure declared before the generator, in the same scope
int SumOf(const std::vector<int> &v) {
  auto each = [&v]() -> coro::Generator<int> {
    for (int x : v)
      co_yield x;
  };
  coro::Generator<int> g = each();
  int total = 0;
  while (std::optional<int> x = g.next())
    total += *x;
  return total;
}

// clean: coro-capturing-lambda  a capturing lambda given to co_spawn, which keeps the function object alive while its coroutine runs
// Stands in for asio::co_spawn(executor, F&&, token), which moves the function object into the frame of
// the coroutine that co_awaits it.
struct Executor {};
struct Detach {};
template <typename F> void co_spawn(Executor, F f, Detach) {
  [](F g) -> coro::Detached { co_await g(); }(std::move(f));
}
void Serve(Executor ex, int port) {
  co_spawn(
      ex,
      [port]() -> coro::LazyTask {
        co_await coro::Reschedule{};
        sent.push_back(std::to_string(port));
      },
      Detach{});
}

} // namespace lambdas_ok
