// Minimal C++20 coroutine types for minibank's pipeline: a lazy Generator<T> and a lazy Task<T>.
#pragma once

#include "minibank/sync.hpp"

#include <condition_variable>
#include <coroutine>
#include <mutex>
#include <exception>
#include <iterator>
#include <optional>
#include <utility>

namespace minibank {

/// A lazily evaluated sequence: the body runs up to the next `co_yield` each
/// time the iterator advances. Yielded values are moved into the generator,
/// so the body may yield temporaries. An exception escaping the body is
/// rethrown from begin() or operator++. Single pass; move-only.
template <typename T> class Generator {
public:
  struct promise_type {
    std::optional<T> current;
    std::exception_ptr error;

    Generator get_return_object() {
      return Generator(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T value) {
      current = std::move(value);
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(Handle h) : handle_(h) {}
    T &operator*() const { return *handle_.promise().current; }
    iterator &operator++() {
      advance(handle_);
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const {
      return !handle_ || handle_.done();
    }

  private:
    Handle handle_;
  };

  Generator(Generator &&other) noexcept
      : handle_(std::exchange(other.handle_, {})) {}
  Generator &operator=(Generator &&other) noexcept {
    if (this != &other) {
      if (handle_)
        handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Generator(const Generator &) = delete;
  Generator &operator=(const Generator &) = delete;
  ~Generator() {
    if (handle_)
      handle_.destroy();
  }

  /// Runs the body to its first `co_yield`. Call once.
  iterator begin() {
    advance(handle_);
    return iterator(handle_);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  explicit Generator(Handle h) : handle_(h) {}

  static void advance(Handle h) {
    h.promise().current.reset();
    h.resume();
    if (h.promise().error)
      std::rethrow_exception(std::exchange(h.promise().error, {}));
  }

  Handle handle_;
};

/// A lazily started computation producing a T. It starts when awaited (or
/// handed to sync_wait) and resumes its awaiter by symmetric transfer when it
/// finishes, so chains of tasks use no extra stack. Move-only.
template <typename T> class Task {
public:
  struct promise_type : sync::promise_base<promise_type> {
    std::optional<T> value;
    std::exception_ptr error;
    std::coroutine_handle<> continuation = std::noop_coroutine();
    /// Set by sync_wait: told when the task has finished, instead of a continuation.
    struct Waiter {
      std::mutex mu;
      std::condition_variable finished;
      bool done = false;
    } *waiter = nullptr;

    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        if (Waiter *w = h.promise().waiter) {
          // Notified under the lock: sync_wait cannot return (and destroy
          // this frame) before nothing here touches it any more.
          std::lock_guard<std::mutex> g(w->mu);
          w->done = true;
          w->finished.notify_one();
          return std::noop_coroutine();
        }
        return h.promise().continuation;
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task &&other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task &operator=(Task &&) = delete;
  Task(const Task &) = delete;
  Task &operator=(const Task &) = delete;
  ~Task() {
    if (handle_)
      handle_.destroy();
  }

  /// `co_await task` starts it and yields its value (or rethrows).
  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle handle;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle.promise().continuation = awaiting;
        return handle;
      }
      T await_resume() { return take(handle); }
    };
    return Awaiter{handle_};
  }

  /// Starts the task on the calling thread, waits until it has finished
  /// (maybe on another thread: a Strand) and returns its value.
  friend T sync_wait(Task task) {
    typename promise_type::Waiter waiter;
    task.handle_.promise().waiter = &waiter;
    task.handle_.resume();
    std::unique_lock<std::mutex> lk(waiter.mu);
    waiter.finished.wait(lk, [&] { return waiter.done; });
    return take(task.handle_);
  }

private:
  explicit Task(Handle h) : handle_(h) {}

  static T take(Handle h) {
    if (h.promise().error)
      std::rethrow_exception(h.promise().error);
    return std::move(*h.promise().value);
  }

  Handle handle_;
};

} // namespace minibank
