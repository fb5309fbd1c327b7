// Small coroutine types for the coroutines testdata: lazy, eager and fire-and-forget tasks, sync_wait, a generator and awaiters.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace coro {

/// A task whose body starts only when it is awaited or start()ed
/// (initial_suspend is suspend_always). When it finishes it resumes its
/// awaiter by symmetric transfer.
class LazyTask {
public:
  struct promise_type {
    std::coroutine_handle<> continuation = std::noop_coroutine();
    LazyTask get_return_object() {
      return LazyTask(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        return h.promise().continuation;
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  LazyTask(LazyTask &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  LazyTask(const LazyTask &) = delete;
  LazyTask &operator=(const LazyTask &) = delete;
  ~LazyTask() {
    if (h_)
      h_.destroy();
  }
  void start() { h_.resume(); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle h;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<> awaiting) noexcept {
        h.promise().continuation = awaiting;
        return h;
      }
      void await_resume() noexcept {}
    };
    return Awaiter{h_};
  }

private:
  explicit LazyTask(Handle h) : h_(h) {}
  Handle h_;
};

/// A task whose body runs at the call up to its first suspension
/// (initial_suspend is suspend_never), like a fire-and-forget job.
class EagerTask {
public:
  struct promise_type {
    EagerTask get_return_object() {
      return EagerTask(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  EagerTask(EagerTask &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  EagerTask(const EagerTask &) = delete;
  EagerTask &operator=(const EagerTask &) = delete;
  ~EagerTask() {
    if (h_)
      h_.destroy();
  }
  bool done() const { return h_.done(); }
  void resume() { h_.resume(); }

private:
  explicit EagerTask(Handle h) : h_(h) {}
  Handle h_;
};

/// A lazy sequence: each next() runs the body to its next co_yield.
template <typename T> class Generator {
public:
  struct promise_type {
    std::optional<T> current;
    Generator get_return_object() {
      return Generator(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T v) {
      current = std::move(v);
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Generator(Generator &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  Generator(const Generator &) = delete;
  Generator &operator=(const Generator &) = delete;
  ~Generator() {
    if (h_)
      h_.destroy();
  }
  /// The next value, or nullopt once the body has finished.
  std::optional<T> next() {
    h_.promise().current.reset();
    h_.resume();
    if (h_.done())
      return std::nullopt;
    return std::move(h_.promise().current);
  }

private:
  explicit Generator(Handle h) : h_(h) {}
  Handle h_;
};

/// A fire-and-forget coroutine: it starts at the call, and its frame frees
/// itself when the body ends (final_suspend never suspends). The Detached
/// object owns nothing (its destructor is trivial): dropping it does not
/// stop the coroutine.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

/// Runs a lazy task to completion before returning (the awaiters of these
/// files resume inline), like cppcoro's or lockstep's sync_wait.
inline void sync_wait(LazyTask t) { t.start(); }

/// Suspends and hands the coroutine to a scheduler, which may resume it on
/// another thread.
struct Reschedule {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const;
  void await_resume() const noexcept {}
};
inline void Reschedule::await_suspend(std::coroutine_handle<> h) const {
  h.resume(); // stands in for a thread pool's enqueue
}

/// Already has its result: await_ready() says so, it never suspends.
struct Ready {
  int value = 0;
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  int await_resume() const noexcept { return value; }
};

/// A constexpr variant of Ready, the way std::suspend_never is written.
struct ReadyConst {
  constexpr bool await_ready() const noexcept { return true; }
  constexpr void await_suspend(std::coroutine_handle<>) const noexcept {}
  constexpr void await_resume() const noexcept {}
};

/// Suspends unless the result is already there: it may suspend.
struct MaybeReady {
  bool ready = false;
  bool await_ready() const noexcept { return ready; }
  void await_suspend(std::coroutine_handle<> h) const { h.resume(); }
  void await_resume() const noexcept {}
};

} // namespace coro
