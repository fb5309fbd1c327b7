// Look-alikes of coro-resume-while-running that are fine: every resume comes after a suspension,
// even where the call that suspended the coroutine has not returned yet.
//  - an awaiter that resumes the coroutine from its own await_suspend (the coroutine has suspended);
//  - an awaiter that returns the coroutine's own handle (symmetric transfer to itself);
//  - an awaiter that hands the coroutine to another thread, then goes on in await_suspend while that
//    thread already resumes it;
//  - the same through a promise whose await_transform does not wrap the awaiter (the runtime does not
//    see that suspension, so it does not check that coroutine's resumes);
//  - a coroutine that pulls a generator (it resumes another frame while it runs);
//  - after an exception that left a coroutine through resume(), the others above again.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <coroutine>
#include <stdexcept>
#include <thread>

#include "lazy_handle.hpp"

namespace {

// The same with an await_transform of its own, which hides the base's and wraps nothing.
struct unwrapped_lazy {
  struct promise_type : lockstep::tracked_promise<promise_type> {
    unwrapped_lazy get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
    template <class A> A &&await_transform(A &&a) noexcept { return static_cast<A &&>(a); }
  };
  std::coroutine_handle<promise_type> handle;
};

// Its coroutines let exceptions out through resume().
struct throwing {
  struct promise_type : lockstep::tracked_promise<promise_type> {
    throwing get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };
  std::coroutine_handle<promise_type> handle;
};

int state = 0;  // written by every coroutine below, in turn

struct resume_inline {
  bool await_ready() noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { h.resume(); }
  void await_resume() noexcept {}
};

struct transfer_to_self {
  bool await_ready() noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) noexcept { return h; }
  void await_resume() noexcept {}
};

std::thread helper;

// Hands the coroutine to a new thread, which resumes it at once, and stays in await_suspend a while.
struct move_to_helper {
  bool await_ready() noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    helper = std::thread([h] { h.resume(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // touches nothing of the coroutine
  }
  void await_resume() noexcept {}
};

[[gnu::noinline]] lazy steps() {
  LOCKSTEP_WRITE(state);
  ++state;
  co_await resume_inline{};
  LOCKSTEP_WRITE(state);
  ++state;
  co_await transfer_to_self{};
  LOCKSTEP_WRITE(state);
  ++state;
}

template <class Lazy> [[gnu::noinline]] Lazy migrate() {
  LOCKSTEP_WRITE(state);
  ++state;
  co_await move_to_helper{};
  LOCKSTEP_WRITE(state);  // on the helper thread
  ++state;
}

lockstep::generator<int> numbers(int n) {
  for (int i = 1; i <= n; ++i) co_yield i;
}

[[gnu::noinline]] lazy sum_numbers(int &sum) {
  for (int v : numbers(4)) sum += v;
  co_return;
}

[[gnu::noinline]] throwing fail() {
  co_await std::suspend_always{};
  throw std::runtime_error("out through resume()");
}

bool run_steps() {
  lazy s = steps();
  s.handle.resume();
  const bool done = s.handle.done();
  s.handle.destroy();
  return done;
}

template <class Lazy> bool run_migrating() {
  Lazy l = migrate<Lazy>();
  l.handle.resume();
  helper.join();
  const bool done = l.handle.done();
  l.handle.destroy();
  return done;
}

}  // namespace

int main() {
  const bool steps_done = run_steps();

  const bool migrated = run_migrating<lazy>();
  const bool migrated_unwrapped = run_migrating<unwrapped_lazy>();

  int sum = 0;
  lazy p = sum_numbers(sum);
  p.handle.resume();
  const bool summed = p.handle.done() && sum == 10;
  p.handle.destroy();

  throwing t = fail();
  t.handle.resume();
  bool caught = false;
  try {
    t.handle.resume();
  } catch (const std::runtime_error &) {
    caught = true;
  }
  const bool failed = caught && t.handle.done();
  t.handle.destroy();
  const bool steps_again = run_steps();

  LOCKSTEP_READ(state);
  return steps_done && migrated && migrated_unwrapped && summed && failed && steps_again && state == 10 ? 0 : 1;
}
