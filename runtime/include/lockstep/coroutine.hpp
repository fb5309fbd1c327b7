// Coroutines lockstep can follow: a base class that makes any promise type tracked, and a lazy task,
// a way to wait for one from a plain thread, and a generator built on it.
//
// lockstep::tracked_promise<Promise> — derive a promise type from it (one line) to have its coroutines
// tracked:
//     struct promise_type : lockstep::tracked_promise<promise_type> { ... as before ... };
//   - Happens-before: what the coroutine did before a suspension happens before its resumption, on
//     whichever thread resumes it, even when the hand-off goes through something the runtime does
//     not see (a lock-free queue); what its creator did before creating it happens before its first
//     resumption. Two different coroutines are not ordered by this.
//   - coro-lock-across-suspend: a co_await (or wrapped co_yield) suspension while the coroutine holds
//     a lock it took. The locks then belong to the coroutine: the thread that resumes it may unlock
//     them without an unlock-not-owner report (the misuse was reported once, at the suspension).
//   - coro-resume-after-destroy: resume() or destroy() through a handle whose coroutine was destroyed
//     is reported and does nothing (frames come from the runtime's allocator, which keeps freed frames
//     from reuse for a while, so the stale handle finds them).
//   - coro-resume-while-running: resume() of a coroutine that was resumed and has not suspended since
//     (on this thread or another) is reported and does nothing.
//   The base provides operator new/delete and await_transform. Suspensions are seen where the promise
//   wraps the awaiter, with `this->track(awaiter)`: the base's await_transform does it for every
//   co_await. A promise type with an await_transform of its own hides the base's: return
//   `this->track(awaiter)` from it (wrapping the awaiter it would have returned). A promise with a
//   yield_value returns `this->track(awaiter)` from it to have co_yield seen too. The runtime knows
//   when a resume() returns, so a suspension it does not see still orders what came before it, from
//   that moment on; but coro-resume-while-running is checked only for coroutines whose promise wraps
//   every co_await and co_yield (decided at compile time: an await_transform that returns a wrapped
//   awaiter, and no yield_value or one, not overloaded, that returns a wrapped awaiter).
//
// lockstep::task<T> — a lazy task: it starts when awaited (co_await task), resumes its awaiter when
// it finishes (symmetric transfer: chains of tasks that finish at once do not grow the stack), and
// hands on its value or exception. Move-only; destroying an unstarted or finished task frees it.
// (GCC makes symmetric transfer a sibling call only with -foptimize-sibling-calls, on at -O2.)
//
// lockstep::sync_wait(task) — runs a task to completion from a plain thread and returns its value (or
// rethrows its exception), also when the task finishes on another thread.
//
// lockstep::generator<T> — an input range over the values a coroutine co_yields.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/coroutine.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20))"
#endif

#include <coroutine>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include <lockstep/lockstep.h>
#include <lockstep/semaphore.hpp>

namespace lockstep {

namespace detail {

// The awaiter of `co_await a`: its operator co_await's result when it has one.
template <class A> decltype(auto) awaiter_of(A &&a) {
  if constexpr (requires { static_cast<A &&>(a).operator co_await(); })
    return static_cast<A &&>(a).operator co_await();
  else if constexpr (requires { operator co_await(static_cast<A &&>(a)); })
    return operator co_await(static_cast<A &&>(a));
  else
    return static_cast<A &&>(a);
}

// An awaiter that tells the runtime about the suspension before the wrapped one runs its
// await_suspend (which may hand the coroutine to another thread).
template <class Awaiter> struct tracked_awaiter {
  Awaiter inner;  // a value, or a reference to an lvalue awaiter (or an immovable temporary)
  void *frame;

  bool await_ready() { return inner.await_ready(); }
  template <class P> decltype(auto) await_suspend(std::coroutine_handle<P> h) {
    ::lockstep_coro_suspend(frame);
    return inner.await_suspend(h);
  }
  decltype(auto) await_resume() { return inner.await_resume(); }
};

template <class A> inline constexpr bool is_tracked_awaiter = false;
template <class A> inline constexpr bool is_tracked_awaiter<tracked_awaiter<A>> = true;

template <class F> struct member_result;
template <class R, class C, class... Args> struct member_result<R (C::*)(Args...)> {
  using type = R;
};
template <class R, class C, class... Args> struct member_result<R (C::*)(Args...) noexcept> {
  using type = R;
};

// Found without ambiguity only when P has no yield_value of its own.
struct yield_value_probe {
  void yield_value();
};
template <class P> struct yield_value_lookup : P, yield_value_probe {};

// Whether every suspension a coroutine with promise P can be resumed from tells the runtime: its
// co_await goes through an await_transform that wraps the awaiter (the base's, or one returning
// track(...)), and it has no yield_value, or one (not overloaded) that returns a wrapped awaiter.
// The initial suspension is not resumed from within an activation, and the final one not at all.
template <class P> constexpr bool suspensions_seen() {
  constexpr bool awaits = [] {
    if constexpr (requires(P &p) { p.await_transform(std::suspend_always{}); })
      return is_tracked_awaiter<
          std::remove_cvref_t<decltype(std::declval<P &>().await_transform(std::suspend_always{}))>>;
    else
      return false;
  }();
  if constexpr (std::is_final_v<P>)
    return false;
  else if constexpr (requires { &yield_value_lookup<P>::yield_value; })
    return awaits;
  else if constexpr (requires { &P::yield_value; })
    return awaits && is_tracked_awaiter<std::remove_cvref_t<typename member_result<decltype(&P::yield_value)>::type>>;
  else
    return false;
}

}  // namespace detail

template <class Promise> class tracked_promise {
public:
  tracked_promise() noexcept {
    ::lockstep_coro_begin(frame(), detail::suspensions_seen<Promise>() ? LOCKSTEP_CORO_SUSPENSIONS_SEEN : 0u);
  }
  tracked_promise(const tracked_promise &) = delete;
  tracked_promise &operator=(const tracked_promise &) = delete;

  static void *operator new(std::size_t size) {
    if (void *p = ::lockstep_coro_frame_alloc(size)) return p;
    throw std::bad_alloc();
  }
  static void operator delete(void *frame, std::size_t size) noexcept { ::lockstep_coro_frame_free(frame, size); }

  template <class A> auto await_transform(A &&a) { return track(static_cast<A &&>(a)); }

protected:
  // `a`'s awaiter, wrapped so that the runtime sees the suspension: what await_transform returns,
  // and what yield_value may return. An awaiter that is an lvalue is referred to; a temporary is
  // moved into the wrapper (so that it may be returned), unless it cannot be moved.
  template <class A> auto track(A &&a) {
    using found = decltype(detail::awaiter_of(static_cast<A &&>(a)));
    using awaiter = std::conditional_t<std::is_rvalue_reference_v<found> &&
                                           std::is_move_constructible_v<std::remove_cvref_t<found>>,
                                       std::remove_cvref_t<found>, found>;
    return detail::tracked_awaiter<awaiter>{detail::awaiter_of(static_cast<A &&>(a)), frame()};
  }

private:
  void *frame() noexcept {
    return std::coroutine_handle<Promise>::from_promise(static_cast<Promise &>(*this)).address();
  }
};

template <class T = void> class task;

namespace detail {

// What a finished task hands on: its value (none for void) or its exception.
template <class T> class task_result {
public:
  template <class U> void return_value(U &&v) { value_.emplace(static_cast<U &&>(v)); }
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  T take() {
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }

private:
  std::optional<T> value_;
  std::exception_ptr error_;
};

template <> class task_result<void> {
public:
  void return_void() noexcept {}
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  void take() {
    if (error_) std::rethrow_exception(error_);
  }

private:
  std::exception_ptr error_;
};

}  // namespace detail

template <class T> class [[nodiscard]] task {
public:
  struct promise_type : tracked_promise<promise_type>, detail::task_result<T> {
    std::coroutine_handle<> continuation;

    task get_return_object() noexcept { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct resume_awaiter {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
          std::coroutine_handle<> next = h.promise().continuation;
          return next ? next : std::noop_coroutine();
        }
        void await_resume() noexcept {}
      };
      return resume_awaiter{};
    }
  };

  task(task &&other) noexcept : h_(std::exchange(other.h_, {})) {}
  task &operator=(task &&other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  ~task() {
    if (h_) h_.destroy();
  }

  // Awaiting starts the task; the awaiter resumes when it finished, with its value.
  auto operator co_await() && noexcept {
    struct awaiter {
      std::coroutine_handle<promise_type> h;
      bool await_ready() noexcept { return !h || h.done(); }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        h.promise().continuation = awaiting;
        return h;
      }
      T await_resume() { return h.promise().take(); }
    };
    return awaiter{h_};
  }

private:
  explicit task(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

namespace detail {

// sync_wait's driver: awaits the task, and once it has suspended for the last time (so that the
// waiting thread may destroy it) releases the waiter.
template <class T> struct sync_state {
  std::optional<std::conditional_t<std::is_void_v<T>, char, T>> value;
  std::exception_ptr error;
  lockstep::binary_semaphore done{0};
};

template <class T> class sync_driver {
public:
  struct promise_type : tracked_promise<promise_type> {
    sync_state<T> *state = nullptr;
    sync_driver get_return_object() noexcept {
      return sync_driver(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct release_awaiter {
        bool await_ready() noexcept { return false; }
        void await_suspend(std::coroutine_handle<promise_type> h) noexcept { h.promise().state->done.release(); }
        void await_resume() noexcept {}
      };
      return release_awaiter{};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { state->error = std::current_exception(); }
  };

  sync_driver(sync_driver &&other) noexcept : h_(std::exchange(other.h_, {})) {}
  sync_driver &operator=(sync_driver &&) = delete;
  ~sync_driver() {
    if (h_) h_.destroy();
  }
  void run(sync_state<T> &state) {
    h_.promise().state = &state;
    h_.resume();
    state.done.acquire();
  }

private:
  explicit sync_driver(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

template <class T> sync_driver<T> drive(task<T> t, sync_state<T> &state) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(t);
  } else {
    state.value.emplace(co_await std::move(t));
  }
}

}  // namespace detail

template <class T> T sync_wait(task<T> t) {
  detail::sync_state<T> state;
  detail::sync_driver<T> driver = detail::drive(std::move(t), state);
  driver.run(state);
  if (state.error) std::rethrow_exception(state.error);
  if constexpr (!std::is_void_v<T>) return std::move(*state.value);
}

template <class T> class generator {
public:
  struct promise_type : tracked_promise<promise_type> {
    const std::remove_reference_t<T> *current = nullptr;
    std::exception_ptr error;

    generator get_return_object() noexcept {
      return generator(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    // The yielded value lives until the generator resumes: the iterator reads it in place.
    auto yield_value(const std::remove_reference_t<T> &v) noexcept {
      current = std::addressof(v);
      return this->track(std::suspend_always{});
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using value_type = std::remove_cvref_t<T>;
    using reference = const std::remove_reference_t<T> &;
    using pointer = const std::remove_reference_t<T> *;

    iterator() noexcept = default;
    reference operator*() const noexcept { return *h_.promise().current; }
    pointer operator->() const noexcept { return h_.promise().current; }
    iterator &operator++() {
      advance(h_);
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator &it, std::default_sentinel_t) noexcept { return !it.h_ || it.h_.done(); }

  private:
    friend class generator;
    explicit iterator(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
    std::coroutine_handle<promise_type> h_;
  };

  generator(generator &&other) noexcept : h_(std::exchange(other.h_, {})) {}
  generator &operator=(generator &&other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  ~generator() {
    if (h_) h_.destroy();
  }

  // Starts the generator (runs it to its first co_yield). Call once.
  iterator begin() {
    advance(h_);
    return iterator(h_);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  static void advance(std::coroutine_handle<promise_type> h) {
    h.resume();
    if (h.done() && h.promise().error) std::rethrow_exception(h.promise().error);
  }
  explicit generator(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

}  // namespace lockstep
