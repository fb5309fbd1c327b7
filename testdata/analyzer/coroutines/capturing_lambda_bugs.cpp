// coro-capturing-lambda: a lambda coroutine uses a capture after it may have suspended, and its closure may be gone by then.
#include "coro_support.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lambdas {

std::vector<std::string> sent;
std::vector<coro::LazyTask> queue;

// Called at once, its task kept: the closure temporary dies with the
// statement, before the task first runs.
coro::LazyTask SendLater(int id) {
  coro::LazyTask t = [id]() -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(std::to_string(id)); // expect: coro-capturing-lambda "capture 'id' of a lambda coroutine"
  }();
  co_await std::move(t);
}

// Handed to a spawner, which may keep the task longer than the closure.
struct Scheduler {
  template <typename F> void Spawn(F f) { queue.push_back(f()); }
};
void Count(Scheduler &s, int &counter) {
  s.Spawn([&counter]() -> coro::LazyTask {
    co_await coro::Reschedule{};
    ++counter; // expect: coro-capturing-lambda "by-reference capture 'counter'"
  });
}

// A member function starts a fire-and-forget coroutine that captures this:
// the Detached task does not keep the closure, which dies at the semicolon.
class Connection {
public:
  void Start() {
    [this]() -> coro::Detached {
      co_await coro::Reschedule{};
      Flush(); // expect: coro-capturing-lambda "captured 'this'"
    }();
  }
  void Flush() { sent.emplace_back("flush"); }
};

// A generator lambda with an init-capture, called at once and kept: a lazy
// body reads the capture after the closure is gone.
int FirstSquares(int limit) {
  coro::Generator<int> g = [n = limit]() -> coro::Generator<int> {
    for (int i = 0; i < n; ++i) // expect: coro-capturing-lambda "init-capture 'n'"
      co_yield i * i;
  }();
  return g.next().value_or(-1);
}

// An eager lambda coroutine kept in a local whose task is returned: the
// closure dies when the function returns, the task lives on.
coro::EagerTask Journal(std::vector<std::string> &log) {
  auto job = [&log]() -> coro::EagerTask {
    log.emplace_back("begin");
    co_await coro::Reschedule{};
    log.emplace_back("end"); // expect: coro-capturing-lambda "by-reference capture 'log'"
  };
  return job();
}

// The closure itself is returned; whoever calls it decides how long it lives.
auto MakeJob(std::string name) {
  return [name]() -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(name); // expect: coro-capturing-lambda "capture 'name'"
  };
}

// Stored in a std::function: copies of the closure come and go.
std::function<coro::LazyTask()> MakeHandler(int code) {
  std::function<coro::LazyTask()> f = [code]() -> coro::LazyTask {
    co_await coro::MaybeReady{false};
    sent.push_back(std::to_string(code)); // expect: coro-capturing-lambda "capture 'code'"
  };
  return f;
}

// A local lambda whose task is pushed to a queue that outlives it.
void EnqueueTwice(const std::string &msg) {
  auto send = [msg]() -> coro::LazyTask {
    sent.push_back(msg); // expect: coro-capturing-lambda "capture 'msg'"
    co_return;
  };
  queue.push_back(send());
  queue.push_back(send());
}

} // namespace lambdas
