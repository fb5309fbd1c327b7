// coro-dangling-temporary: a temporary bound to a coroutine's reference parameter while the task outlives the full-expression.
#include "coro_support.hpp"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace temps {

std::vector<std::string> sent;
std::vector<coro::LazyTask> queue;

std::string Header() { return "HTTP/1.1 200 OK"; }

// The callees keep their reference parameters (coro-reference-param finds
// them too); the bugs of this file are at their call sites.
coro::LazyTask Send(const std::string &msg) {
  co_await coro::Reschedule{};
  sent.push_back(msg); // expect: coro-reference-param "'msg'"
}

// Stored in a variable: the temporary string is gone when the task runs.
coro::LazyTask SendLater() {
  coro::LazyTask t = Send(std::string("hello")); // expect: coro-dangling-temporary "temporary 'std::string' bound to reference parameter 'msg' of coroutine 'Send'"
  co_await std::move(t);
}

// Returned from a plain function: the concatenation dies at its return.
coro::LazyTask Greet(const std::string &name) {
  return Send(name + "!"); // expect: coro-dangling-temporary "'msg'"
}

// Passed on to a container that keeps the task; a string literal converted
// to std::string is a temporary too.
void Enqueue() {
  queue.push_back(Send("ping")); // expect: coro-dangling-temporary "'msg'"
}

// A generator over a temporary vector, stored and pulled later.
coro::Generator<int> Each(const std::vector<int> &v) {
  for (int x : v) // expect: coro-reference-param "'v'"
    co_yield x;
}
int FirstOfThree() {
  coro::Generator<int> g = Each({1, 2, 3}); // expect: coro-dangling-temporary "reference parameter 'v' of coroutine 'Each'"
  return g.next().value_or(0);
}

// A member coroutine taking a string_view, given a view of a temporary
// std::string, and the task handed to a scheduler.
struct Scheduler {
  void Spawn(coro::LazyTask t) { queue.push_back(std::move(t)); }
};
class Connection {
public:
  coro::LazyTask Write(std::string_view data) {
    co_await coro::Reschedule{};
    sent.emplace_back(data); // expect: coro-reference-param "'data'"
  }
};
void Respond(Scheduler &s, Connection &c) {
  s.Spawn(c.Write(Header())); // expect: coro-dangling-temporary "temporary 'std::string' bound to string_view parameter 'data'"
}

// An eager task that reads its parameter after its first suspension, kept
// in a variable.
coro::EagerTask Log(const std::string &line) {
  sent.emplace_back("log:");
  co_await coro::Reschedule{};
  sent.push_back(line); // expect: coro-reference-param "'line'"
}
coro::EagerTask LogStart() {
  coro::EagerTask t = Log(std::to_string(42)); // expect: coro-dangling-temporary "'line' of coroutine 'Log'"
  return t;
}

// A fire-and-forget coroutine dropped at once goes on after the statement.
coro::Detached Notify(const std::string &msg) {
  co_await coro::Reschedule{};
  sent.push_back(msg); // expect: coro-reference-param "'msg'"
}
void Done() {
  Notify(std::string("done")); // expect: coro-dangling-temporary "'msg' of coroutine 'Notify'"
}

// A span of a temporary vector.
coro::LazyTask Sum(std::span<const int> xs) {
  int total = 0;
  for (int x : xs) // expect: coro-reference-param "span parameter 'xs'"
    total += x;
  sent.push_back(std::to_string(total));
  co_return;
}
coro::LazyTask SumLater() {
  auto t = Sum(std::vector<int>{1, 2, 3}); // expect: coro-dangling-temporary "temporary 'std::vector<int>' bound to span parameter 'xs'"
  co_await std::move(t);
}

// A lazy coroutine defined in another file: its body runs after the call.
coro::LazyTask Upload(const std::string &body);
void UploadLater() {
  queue.push_back(Upload(Header())); // expect: coro-dangling-temporary "runs its body only after the call has returned"
}

// A lambda coroutine with an rvalue reference parameter, its task stored.
auto consume = [](std::string &&s) -> coro::LazyTask {
  co_await coro::Reschedule{};
  sent.push_back(std::move(s)); // expect: coro-reference-param "'s'"
};
void ConsumeLater() {
  queue.push_back(consume(std::string("x"))); // expect: coro-dangling-temporary "rvalue reference parameter 's' of a lambda coroutine"
}

} // namespace temps
