// A bare tracked coroutine type for the misuse programs: the coroutine starts suspended, stops at its
// end, and the caller drives it through `handle` by hand (resume, done, destroy), as a scheduler does.
#pragma once

#include <lockstep/lockstep.hpp>

#include <coroutine>

struct lazy {
  struct promise_type : lockstep::tracked_promise<promise_type> {
    lazy get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};
