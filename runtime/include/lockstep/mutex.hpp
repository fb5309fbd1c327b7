// Drop-in mutexes with the exact interfaces of std::mutex, std::timed_mutex and std::recursive_mutex,
// each optionally named for reports. They work with std::lock_guard, std::unique_lock,
// std::scoped_lock and std::lock like the std types.
//
// Misuse (seen by the runtime, reported, see runtime/docs/runtime.md):
//  * lock() by the thread that already holds a non-recursive mutex: `double-lock` is reported and
//    the process exits with the report exit status (the real call would block for ever).
//  * unlock() by a thread that does not hold it: `unlock-not-owner`; of an unlocked mutex:
//    `unlock-not-locked`. The unlock then happens as the underlying pthread mutex does it.
//  * destroying a locked mutex: `destroy-locked-mutex` (unlike std::mutex, whose trivial
//    destructor makes that invisible).
// lock() throws std::system_error only when the underlying pthread call fails (as std::mutex does).
#pragma once

#if __cplusplus < 201703L
#error "<lockstep/mutex.hpp> needs C++17 (CMake: target_compile_features(<target> PRIVATE cxx_std_17)); C and C++11 code can use <lockstep/lockstep.h>"
#endif

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include <lockstep/names.hpp>

namespace lockstep {

namespace detail {

// Converts a deadline on any clock to an absolute time on a POSIX clock (steady -> CLOCK_MONOTONIC,
// anything else -> CLOCK_REALTIME, relative to now, as libstdc++ does).
template <class Clock, class Duration>
inline void to_posix_deadline(const std::chrono::time_point<Clock, Duration> &t, clockid_t &clock, timespec &ts) {
  using namespace std::chrono;
  nanoseconds since_epoch;
  if constexpr (std::is_same_v<Clock, steady_clock>) {
    clock = CLOCK_MONOTONIC;
    since_epoch = duration_cast<nanoseconds>(t.time_since_epoch());
  } else if constexpr (std::is_same_v<Clock, system_clock>) {
    clock = CLOCK_REALTIME;
    since_epoch = duration_cast<nanoseconds>(t.time_since_epoch());
  } else {
    clock = CLOCK_MONOTONIC;
    since_epoch = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch() + (t - Clock::now()));
  }
  if (since_epoch.count() < 0) since_epoch = nanoseconds::zero();
  ts.tv_sec = static_cast<time_t>(since_epoch.count() / 1000000000);
  ts.tv_nsec = static_cast<long>(since_epoch.count() % 1000000000);
}

inline void throw_if(int err) {
  if (err) throw std::system_error(err, std::system_category());
}

// The common part: a pthread mutex whose every operation goes through the runtime's interposed
// pthread functions.
class basic_mutex {
public:
  using native_handle_type = pthread_mutex_t *;

  basic_mutex(const basic_mutex &) = delete;
  basic_mutex &operator=(const basic_mutex &) = delete;

  // Precondition: the calling thread does not hold it (unless recursive). Blocks until acquired.
  void lock() { throw_if(pthread_mutex_lock(&m_)); }
  // Never blocks; false when another thread (or, for non-recursive mutexes, this one) holds it.
  bool try_lock() noexcept { return pthread_mutex_trylock(&m_) == 0; }
  // Precondition: the calling thread holds it.
  void unlock() noexcept { pthread_mutex_unlock(&m_); }
  native_handle_type native_handle() noexcept { return &m_; }

protected:
  constexpr explicit basic_mutex(pthread_mutex_t init) noexcept : m_(init) {}
  ~basic_mutex() { pthread_mutex_destroy(&m_); }  // lets the runtime see destroy-locked-mutex
  void name(const char *n) noexcept { lockstep_name_object(&m_, n); }

  template <class Clock, class Duration> bool lock_until(const std::chrono::time_point<Clock, Duration> &t) {
    clockid_t clock;
    timespec ts;
    to_posix_deadline(t, clock, ts);
    const int r = pthread_mutex_clocklock(&m_, clock, &ts);
    if (r == ETIMEDOUT) return false;
    throw_if(r);
    return true;
  }

  pthread_mutex_t m_;
};

}  // namespace detail

// std::mutex, seen by lockstep with its name.
class mutex : public detail::basic_mutex {
public:
  constexpr mutex() noexcept : basic_mutex(pthread_mutex_t PTHREAD_MUTEX_INITIALIZER) {}
  // `name` appears in reports ("mutex M3 'queue' at 0x...").
  explicit mutex(const char *name) noexcept : mutex() { this->name(name); }
};

// std::recursive_mutex: the owner may lock it again; it is released after as many unlock() calls.
class recursive_mutex : public detail::basic_mutex {
public:
  recursive_mutex() noexcept : basic_mutex(pthread_mutex_t PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP) {}
  explicit recursive_mutex(const char *name) noexcept : recursive_mutex() { this->name(name); }
};

// std::timed_mutex: adds try_lock_for / try_lock_until (they time out instead of deadlocking, so a
// relock by the owner is reported as double-lock but does not end the process).
class timed_mutex : public detail::basic_mutex {
public:
  timed_mutex() noexcept : basic_mutex(pthread_mutex_t PTHREAD_MUTEX_INITIALIZER) {}
  explicit timed_mutex(const char *name) noexcept : timed_mutex() { this->name(name); }

  template <class Rep, class Period> bool try_lock_for(const std::chrono::duration<Rep, Period> &d) {
    return lock_until(std::chrono::steady_clock::now() + d);
  }
  template <class Clock, class Duration> bool try_lock_until(const std::chrono::time_point<Clock, Duration> &t) {
    return lock_until(t);
  }
};

// std::recursive_timed_mutex.
class recursive_timed_mutex : public detail::basic_mutex {
public:
  recursive_timed_mutex() noexcept : basic_mutex(pthread_mutex_t PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP) {}
  explicit recursive_timed_mutex(const char *name) noexcept : recursive_timed_mutex() { this->name(name); }

  template <class Rep, class Period> bool try_lock_for(const std::chrono::duration<Rep, Period> &d) {
    return lock_until(std::chrono::steady_clock::now() + d);
  }
  template <class Clock, class Duration> bool try_lock_until(const std::chrono::time_point<Clock, Duration> &t) {
    return lock_until(t);
  }
};

}  // namespace lockstep
