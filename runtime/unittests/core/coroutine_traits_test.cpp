// <lockstep/coroutine.hpp> decides at compile time which promise types wrap every suspension they
// can be resumed from (only those get coro-resume-while-running checks, so a wrong "yes" would be a
// false report), and what track() keeps of an awaiter (a returned wrapper must own a temporary).
#include <lockstep/coroutine.hpp>

#include <gtest/gtest.h>

#include <coroutine>
#include <type_traits>

namespace {

using lockstep::detail::suspensions_seen;
using lockstep::detail::tracked_awaiter;

struct plain_promise : lockstep::tracked_promise<plain_promise> {};

struct yields_unwrapped : lockstep::tracked_promise<yields_unwrapped> {
  std::suspend_always yield_value(int) noexcept { return {}; }
};

struct yields_wrapped : lockstep::tracked_promise<yields_wrapped> {
  auto yield_value(int) noexcept { return this->track(std::suspend_always{}); }
};

struct yields_overloaded : lockstep::tracked_promise<yields_overloaded> {
  auto yield_value(int) noexcept { return this->track(std::suspend_always{}); }
  auto yield_value(double) noexcept { return this->track(std::suspend_always{}); }
};

struct transforms_unwrapped : lockstep::tracked_promise<transforms_unwrapped> {
  template <class A> A &&await_transform(A &&a) noexcept { return static_cast<A &&>(a); }
};

struct transforms_wrapped : lockstep::tracked_promise<transforms_wrapped> {
  template <class A> auto await_transform(A &&a) { return this->track(static_cast<A &&>(a)); }
};

struct final_promise final : lockstep::tracked_promise<final_promise> {};

TEST(CoroutineTraits, PromisesThatWrapEverySuspensionAreSeen) {
  static_assert(suspensions_seen<plain_promise>());
  static_assert(suspensions_seen<yields_wrapped>());
  static_assert(suspensions_seen<transforms_wrapped>());
  static_assert(suspensions_seen<lockstep::task<int>::promise_type>());
  static_assert(suspensions_seen<lockstep::task<>::promise_type>());
  static_assert(suspensions_seen<lockstep::generator<int>::promise_type>());
  SUCCEED();
}

TEST(CoroutineTraits, PromisesWithAnUnwrappedSuspensionAreNot) {
  static_assert(!suspensions_seen<yields_unwrapped>());
  static_assert(!suspensions_seen<yields_overloaded>());  // cannot be inspected: counted as unwrapped
  static_assert(!suspensions_seen<transforms_unwrapped>());
  static_assert(!suspensions_seen<final_promise>());      // cannot be inspected either
  SUCCEED();
}

struct immovable_awaiter {
  immovable_awaiter() = default;
  immovable_awaiter(immovable_awaiter &&) = delete;
  bool await_ready() noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  void await_resume() noexcept {}
};

struct tracking_promise : lockstep::tracked_promise<tracking_promise> {
  using tracked_promise::track;
};
template <class A> using tracked = decltype(std::declval<tracking_promise &>().track(std::declval<A>()));

TEST(CoroutineTraits, TrackOwnsTemporariesAndRefersToTheRest) {
  static_assert(std::is_same_v<tracked<std::suspend_always>, tracked_awaiter<std::suspend_always>>);
  static_assert(
      std::is_same_v<tracked<std::suspend_always &>, tracked_awaiter<std::suspend_always &>>);
  static_assert(
      std::is_same_v<tracked<immovable_awaiter>, tracked_awaiter<immovable_awaiter &&>>);
  // An awaitable with operator co_await: its result, by value.
  static_assert(std::is_same_v<tracked<lockstep::task<int>>,
                               tracked_awaiter<decltype(std::declval<lockstep::task<int>>().operator co_await())>>);
  SUCCEED();
}

}  // namespace
