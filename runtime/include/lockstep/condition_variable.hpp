// Drop-in std::condition_variable (waits with std::unique_lock<lockstep::mutex>) and
// std::condition_variable_any (waits with any lockable), each optionally named for reports.
//
// Happens-before: every notify_one/notify_all happens before the wakeups that follow it; the mutex
// is released and retaken by the wait as usual.
// Misuse: waiting with a lock the thread does not hold is reported as `cv-wait-without-lock`;
// threads waiting on one condition_variable with different mutexes at the same time,
// `cv-multiple-mutexes`. Spurious wakeups happen as with std; use the predicate overloads.
// Real deadlock: an untimed wait() that no live thread can notify any more (every other thread is
// blocked in a wait the runtime watches, or has exited) is reported as `deadlock`, and the process
// exits with the report exit status instead of hanging. wait_for/wait_until never deadlock.
#pragma once

#if __cplusplus < 201703L
#error "<lockstep/condition_variable.hpp> needs C++17 (CMake: target_compile_features(<target> PRIVATE cxx_std_17)); C and C++11 code can use <lockstep/lockstep.h>"
#endif

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <lockstep/mutex.hpp>
#include <lockstep/names.hpp>

namespace lockstep {

using std::cv_status;

class condition_variable {
public:
  using native_handle_type = pthread_cond_t *;

  condition_variable() noexcept = default;
  explicit condition_variable(const char *name) noexcept { lockstep_name_object(&c_, name); }
  ~condition_variable() { pthread_cond_destroy(&c_); }
  condition_variable(const condition_variable &) = delete;
  condition_variable &operator=(const condition_variable &) = delete;

  void notify_one() noexcept { pthread_cond_signal(&c_); }
  void notify_all() noexcept { pthread_cond_broadcast(&c_); }

  // Precondition: `lock` owns its mutex (else cv-wait-without-lock is reported).
  void wait(std::unique_lock<mutex> &lock) { pthread_cond_wait(&c_, lock.mutex()->native_handle()); }
  template <class Predicate> void wait(std::unique_lock<mutex> &lock, Predicate pred) {
    while (!pred()) wait(lock);
  }

  template <class Clock, class Duration>
  cv_status wait_until(std::unique_lock<mutex> &lock, const std::chrono::time_point<Clock, Duration> &t) {
    clockid_t clock;
    timespec ts;
    detail::to_posix_deadline(t, clock, ts);
    const int r = pthread_cond_clockwait(&c_, lock.mutex()->native_handle(), clock, &ts);
    return r == ETIMEDOUT ? cv_status::timeout : cv_status::no_timeout;
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::unique_lock<mutex> &lock, const std::chrono::time_point<Clock, Duration> &t, Predicate pred) {
    while (!pred())
      if (wait_until(lock, t) == cv_status::timeout) return pred();
    return true;
  }
  template <class Rep, class Period>
  cv_status wait_for(std::unique_lock<mutex> &lock, const std::chrono::duration<Rep, Period> &d) {
    return wait_until(lock, std::chrono::steady_clock::now() + d);
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::unique_lock<mutex> &lock, const std::chrono::duration<Rep, Period> &d, Predicate pred) {
    return wait_until(lock, std::chrono::steady_clock::now() + d, std::move(pred));
  }

  native_handle_type native_handle() noexcept { return &c_; }

private:
  pthread_cond_t c_ = PTHREAD_COND_INITIALIZER;
};

// Waits with any BasicLockable: like libstdc++'s, it pairs an internal mutex with the condition
// variable, so the user's lock is released only once this waiter is registered (no lost wakeup).
class condition_variable_any {
public:
  condition_variable_any() : m_(std::make_shared<mutex>()) {}
  explicit condition_variable_any(const char *name) : condition_variable_any() {
    lockstep_name_object(c_.native_handle(), name);
  }
  condition_variable_any(const condition_variable_any &) = delete;
  condition_variable_any &operator=(const condition_variable_any &) = delete;

  void notify_one() noexcept {
    std::lock_guard<mutex> g(*m_);
    c_.notify_one();
  }
  void notify_all() noexcept {
    std::lock_guard<mutex> g(*m_);
    c_.notify_all();
  }

  // Precondition: the calling thread holds `lock`.
  template <class Lock> void wait(Lock &lock) {
    std::shared_ptr<mutex> keep = m_;  // the object may be destroyed by a woken thread meanwhile
    std::unique_lock<mutex> inner(*keep);
    lock.unlock();
    relock<Lock> r{lock};  // retakes the user's lock after the inner one is released, even on throw
    std::unique_lock<mutex> inner2(std::move(inner));
    c_.wait(inner2);
  }
  template <class Lock, class Predicate> void wait(Lock &lock, Predicate pred) {
    while (!pred()) wait(lock);
  }
  template <class Lock, class Clock, class Duration>
  cv_status wait_until(Lock &lock, const std::chrono::time_point<Clock, Duration> &t) {
    std::shared_ptr<mutex> keep = m_;
    std::unique_lock<mutex> inner(*keep);
    lock.unlock();
    relock<Lock> r{lock};
    std::unique_lock<mutex> inner2(std::move(inner));
    return c_.wait_until(inner2, t);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock &lock, const std::chrono::time_point<Clock, Duration> &t, Predicate pred) {
    while (!pred())
      if (wait_until(lock, t) == cv_status::timeout) return pred();
    return true;
  }
  template <class Lock, class Rep, class Period>
  cv_status wait_for(Lock &lock, const std::chrono::duration<Rep, Period> &d) {
    return wait_until(lock, std::chrono::steady_clock::now() + d);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock &lock, const std::chrono::duration<Rep, Period> &d, Predicate pred) {
    return wait_until(lock, std::chrono::steady_clock::now() + d, std::move(pred));
  }

private:
  template <class Lock> struct relock {
    Lock &lock;
    ~relock() noexcept(false) { lock.lock(); }
  };

  condition_variable c_;
  std::shared_ptr<mutex> m_;
};

}  // namespace lockstep
