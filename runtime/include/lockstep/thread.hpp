// Drop-in std::thread and std::jthread with an optional name that reports show ("thread T3 'worker'").
//
//   lockstep::thread t(lockstep::thread_name("worker"), fn, args...);
//
// Everything else is std's: construction happens before the thread's first action, its last action
// happens before join() returns. Misuse as with std (join of an unjoinable thread throws
// std::system_error; destroying a joinable std::thread calls std::terminate). Threads blocked in
// join() on each other (or on a thread blocked on a lock they hold) are reported as `deadlock`.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/thread.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20)); C and C++11 code can use <lockstep/lockstep.h>"
#endif

#include <functional>
#include <stop_token>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include <lockstep/names.hpp>

namespace lockstep {

// A name for a new thread (copied).
struct thread_name {
  explicit thread_name(std::string n) : value(std::move(n)) {}
  std::string value;
};

class thread {
public:
  using id = std::thread::id;
  using native_handle_type = std::thread::native_handle_type;

  thread() noexcept = default;
  template <class F, class... Args,
            class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, thread> &&
                                     !std::is_same_v<std::remove_cvref_t<F>, thread_name>>>
  explicit thread(F &&f, Args &&...args) : t_(std::forward<F>(f), std::forward<Args>(args)...) {}
  // A named thread: the name is set in the new thread before `f` runs.
  template <class F, class... Args>
  thread(thread_name name, F &&f, Args &&...args)
      : t_([n = std::move(name.value)](auto &&fn, auto &&...a) {
          lockstep_name_current_thread(n.c_str());
          std::invoke(std::forward<decltype(fn)>(fn), std::forward<decltype(a)>(a)...);
        }, std::forward<F>(f), std::forward<Args>(args)...) {}

  thread(thread &&) noexcept = default;
  thread &operator=(thread &&) noexcept = default;
  thread(const thread &) = delete;
  thread &operator=(const thread &) = delete;
  ~thread() = default;

  bool joinable() const noexcept { return t_.joinable(); }
  id get_id() const noexcept { return t_.get_id(); }
  native_handle_type native_handle() { return t_.native_handle(); }
  static unsigned hardware_concurrency() noexcept { return std::thread::hardware_concurrency(); }
  void join() { t_.join(); }
  void detach() { t_.detach(); }
  void swap(thread &o) noexcept { t_.swap(o.t_); }

private:
  std::thread t_;
};

inline void swap(thread &a, thread &b) noexcept { a.swap(b); }

class jthread {
public:
  using id = std::jthread::id;
  using native_handle_type = std::jthread::native_handle_type;

  jthread() noexcept = default;
  template <class F, class... Args,
            class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, jthread> &&
                                     !std::is_same_v<std::remove_cvref_t<F>, thread_name>>>
  explicit jthread(F &&f, Args &&...args) : t_(std::forward<F>(f), std::forward<Args>(args)...) {}
  // A named jthread; `f` receives the stop token first when it accepts one, as with std::jthread.
  template <class F, class... Args>
  jthread(thread_name name, F &&f, Args &&...args)
      : t_([n = std::move(name.value)](std::stop_token st, auto &&fn, auto &&...a) {
          lockstep_name_current_thread(n.c_str());
          if constexpr (std::is_invocable_v<decltype(fn), std::stop_token, decltype(a)...>)
            std::invoke(std::forward<decltype(fn)>(fn), std::move(st), std::forward<decltype(a)>(a)...);
          else
            std::invoke(std::forward<decltype(fn)>(fn), std::forward<decltype(a)>(a)...);
        }, std::forward<F>(f), std::forward<Args>(args)...) {}

  jthread(jthread &&) noexcept = default;
  jthread &operator=(jthread &&) noexcept = default;
  jthread(const jthread &) = delete;
  jthread &operator=(const jthread &) = delete;
  ~jthread() = default;  // requests stop and joins, as std::jthread

  bool joinable() const noexcept { return t_.joinable(); }
  id get_id() const noexcept { return t_.get_id(); }
  native_handle_type native_handle() { return t_.native_handle(); }
  static unsigned hardware_concurrency() noexcept { return std::jthread::hardware_concurrency(); }
  void join() { t_.join(); }
  void detach() { t_.detach(); }
  void swap(jthread &o) noexcept { t_.swap(o.t_); }
  std::stop_source get_stop_source() noexcept { return t_.get_stop_source(); }
  std::stop_token get_stop_token() const noexcept { return t_.get_stop_token(); }
  bool request_stop() noexcept { return t_.request_stop(); }

private:
  std::jthread t_;
};

inline void swap(jthread &a, jthread &b) noexcept { a.swap(b); }

}  // namespace lockstep
