// coro-reference-param: a parameter referring to the caller's object, used where the coroutine may have suspended.
#include "coro_support.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace refs {

std::vector<std::string> sent;

// A lazy task starts suspended: every use of the reference is after the
// call has returned, when a temporary argument is already gone.
coro::LazyTask Send(const std::string &msg) {
  sent.push_back(msg); // expect: coro-reference-param "'msg'"
  co_return;
}

// An eager task is fine up to its first suspension, not after it.
coro::EagerTask Log(std::string_view line) {
  sent.emplace_back("begin");
  co_await coro::Reschedule{};
  sent.emplace_back(line); // expect: coro-reference-param "string_view parameter 'line'"
}

// A generator reads the caller's vector between yields.
coro::Generator<int> Each(const std::vector<int> &v) {
  for (int x : v) // expect: coro-reference-param "'v'"
    co_yield x;
}

// The loop's back edge brings the use after the suspension.
coro::EagerTask Drain(std::span<const int> items) {
  for (std::size_t i = 0; i < items.size(); ++i) { // expect: coro-reference-param "span parameter 'items'"
    co_await coro::Reschedule{};
  }
}

// A member coroutine with a reference to the request.
struct Request {
  std::string path;
};
class Server {
public:
  coro::EagerTask Handle(Request &req) {
    co_await coro::Reschedule{};
    sent.push_back(req.path); // expect: coro-reference-param "'req'"
  }
};

// A lambda coroutine.
auto upload = [](const std::string &body) -> coro::LazyTask {
  sent.push_back(body); // expect: coro-reference-param "'body'"
  co_return;
};
coro::LazyTask StartUpload() { return upload("x"); } // expect: coro-dangling-temporary "reference parameter 'body' of a lambda coroutine"

// An rvalue reference is a reference too.
coro::EagerTask Consume(std::string &&s) {
  co_await coro::MaybeReady{false};
  sent.push_back(std::move(s)); // expect: coro-reference-param "rvalue reference parameter 's'"
}

} // namespace refs
