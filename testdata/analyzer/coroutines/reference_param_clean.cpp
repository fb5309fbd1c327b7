// coro-reference-param look-alikes: copies taken before any suspension, by-value parameters, awaits that never suspend.
#include "coro_support.hpp"

#include <coroutine>
#include <string>
#include <string_view>
#include <vector>

namespace refs_ok {

std::vector<std::string> sent;

// clean: coro-reference-param  an eager task copies the reference before its first suspension
coro::EagerTask Log(const std::string &line) {
  std::string copy = line;
  co_await coro::Reschedule{};
  sent.push_back(copy);
}

// clean: coro-reference-param  a by-value parameter lives in the coroutine frame
coro::LazyTask Send(std::string msg) {
  co_await coro::Reschedule{};
  sent.push_back(msg);
}

// clean: coro-reference-param  awaiting std::suspend_never and a ready awaiter never suspends
coro::EagerTask Quick(std::string_view key) {
  co_await std::suspend_never{};
  int n = co_await coro::Ready{1};
  co_await coro::ReadyConst{};
  sent.emplace_back(key.substr(0, n));
}

// clean: coro-reference-param  the suspension is on a path that ends with co_return before the use
coro::EagerTask Either(const std::string &s, bool later) {
  if (later) {
    co_await coro::Reschedule{};
    co_return;
  }
  sent.push_back(s);
}

// clean: coro-reference-param  the reference is read in the co_await's operand, before the suspension
coro::LazyTask Send2(std::string msg);
coro::EagerTask Forward(const std::string &s) {
  co_await Send2(std::string(s));
}

// clean: coro-reference-param  a function that is not a coroutine takes a reference and creates a task from a copy
coro::LazyTask Post(const std::string &s) { return Send(s); }

// clean: coro-reference-param  a generator over a count taken by value
coro::Generator<int> Count(int n) {
  for (int i = 0; i < n; ++i)
    co_yield i;
}

// clean: coro-reference-param  a pointer parameter is not judged, nor a reference the body never uses
coro::LazyTask Touch(const std::string *p, const std::string &unused) {
  co_await coro::Reschedule{};
  sent.push_back(*p);
}

coro::LazyTask Send2(std::string msg) {
  co_await coro::Reschedule{};
  sent.push_back(std::move(msg));
}

} // namespace refs_ok
