// coro-dangling-temporary look-alikes: temporaries awaited in their own full-expression, lvalues, copies, literals, plain functions.
#include "coro_support.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace temps_ok {

std::vector<std::string> sent;
std::vector<coro::LazyTask> queue;

std::string Header() { return "HTTP/1.1 200 OK"; }

// The callers of these coroutines are careful; the team has chosen to keep
// the reference parameters.
coro::LazyTask Send(const std::string &msg) {
  co_await coro::Reschedule{};
  sent.push_back(msg); // NOLINT(coro-reference-param): every caller awaits at once
}
coro::LazyTask View(std::string_view s) {
  sent.emplace_back(s); // NOLINT(coro-reference-param): see Send
  co_return;
}
coro::LazyTask SendCopy(std::string msg) {
  co_await coro::Reschedule{};
  sent.push_back(std::move(msg));
}

// clean: coro-dangling-temporary  the task is awaited in the full-expression that holds the temporary
coro::LazyTask SendNow() { co_await Send(std::string("hello")); }

// clean: coro-dangling-temporary  sync_wait runs the task to completion before the temporary dies
void SendAndWait() { coro::sync_wait(Send(Header())); }

// clean: coro-dangling-temporary  a named string (an lvalue) is the caller's business, not a temporary
coro::LazyTask SendNamed() {
  std::string greeting = "hi";
  coro::LazyTask t = Send(greeting);
  co_await std::move(t);
}

// clean: coro-dangling-temporary  the coroutine takes its parameter by value: the frame holds the copy
void EnqueueCopy() { queue.push_back(SendCopy(std::string("ping"))); }

// clean: coro-dangling-temporary  a string literal has static storage; a view of it never dangles
void EnqueueLiteral() { queue.push_back(View("literal")); }

// clean: coro-dangling-temporary  an eager coroutine that copies the reference before its first suspension
coro::EagerTask Log(const std::string &line) {
  std::string copy = line;
  co_await coro::Reschedule{};
  sent.push_back(copy);
}
coro::EagerTask LogStart() {
  coro::EagerTask t = Log(std::to_string(42));
  return t;
}

// clean: coro-dangling-temporary  an eager coroutine whose awaits never suspend finishes inside the call
coro::EagerTask Quick(const std::string &key) {
  int n = co_await coro::Ready{1};
  co_await std::suspend_never{};
  sent.push_back(key.substr(0, n));
}
coro::EagerTask QuickStart() {
  coro::EagerTask t = Quick(Header());
  return t;
}

// clean: coro-dangling-temporary  a plain function returning a task copies its argument into a by-value coroutine
coro::LazyTask Post(const std::string &s) { return SendCopy(s); }
void PostLater() { queue.push_back(Post(std::string("x"))); }

// clean: coro-dangling-temporary  two tasks given to a combinator that is awaited in the same full-expression
coro::LazyTask Both(coro::LazyTask a, coro::LazyTask b) {
  co_await std::move(a);
  co_await std::move(b);
}
coro::LazyTask SendBoth() {
  co_await Both(Send(std::string("a")), Send(std::string("b")));
}

// clean: coro-dangling-temporary  a member coroutine awaited at once, and a generator pulled within the statement
class Connection {
public:
  coro::LazyTask Write(std::string_view data) {
    co_await coro::Reschedule{};
    sent.emplace_back(data); // NOLINT(coro-reference-param): awaited at once
  }
};
coro::Generator<int> Each(const std::vector<int> &v) {
  for (int x : v) // NOLINT(coro-reference-param): pulled at once
    co_yield x;
}
coro::EagerTask Respond(Connection &c) {
  co_await c.Write(Header());
  sent.push_back(std::to_string(Each({1, 2, 3}).next().value_or(0)));
}

// clean: coro-dangling-temporary  a lazy task dropped at once is destroyed before it ever runs
void Dropped() { Send(std::string("never sent")); }

// clean: coro-dangling-temporary  a lambda coroutine given a temporary and awaited at once
coro::LazyTask Lambda() {
  auto consume = [](std::string &&s) -> coro::LazyTask {
    co_await coro::Reschedule{};
    sent.push_back(std::move(s)); // NOLINT(coro-reference-param): awaited at once
  };
  co_await consume(std::string("x"));
}

} // namespace temps_ok
