// Drop-in std::shared_mutex (reader/writer lock) with an optional name; works with std::shared_lock,
// std::unique_lock and std::lock_guard.
//
// Misuse: lock() or lock_shared() by a thread that already holds it exclusively, or lock() while it
// holds it shared, is reported as `double-lock` (the process exits when the real call would block
// for ever; a write-relock, which glibc refuses, throws std::system_error as std::shared_mutex does).
// Unlocking what the thread does not hold is `unlock-not-owner` / `unlock-not-locked`; destroying it
// while held, `destroy-locked-mutex`.
#pragma once

#if __cplusplus < 201703L
#error "<lockstep/shared_mutex.hpp> needs C++17 (CMake: target_compile_features(<target> PRIVATE cxx_std_17)); C and C++11 code can use <lockstep/lockstep.h>"
#endif

#include <pthread.h>

#include <chrono>
#include <system_error>

#include <lockstep/mutex.hpp>
#include <lockstep/names.hpp>

namespace lockstep {

class shared_mutex {
public:
  using native_handle_type = pthread_rwlock_t *;

  shared_mutex() noexcept = default;
  explicit shared_mutex(const char *name) noexcept { lockstep_name_object(&l_, name); }
  ~shared_mutex() { pthread_rwlock_destroy(&l_); }
  shared_mutex(const shared_mutex &) = delete;
  shared_mutex &operator=(const shared_mutex &) = delete;

  // Exclusive ownership. Precondition: the calling thread does not hold it in any mode.
  void lock() { detail::throw_if(pthread_rwlock_wrlock(&l_)); }
  bool try_lock() noexcept { return pthread_rwlock_trywrlock(&l_) == 0; }
  void unlock() noexcept { pthread_rwlock_unlock(&l_); }

  // Shared ownership. Precondition: the calling thread does not hold it exclusively.
  void lock_shared() { detail::throw_if(pthread_rwlock_rdlock(&l_)); }
  bool try_lock_shared() noexcept { return pthread_rwlock_tryrdlock(&l_) == 0; }
  void unlock_shared() noexcept { pthread_rwlock_unlock(&l_); }

  native_handle_type native_handle() noexcept { return &l_; }

private:
  pthread_rwlock_t l_ = PTHREAD_RWLOCK_INITIALIZER;
};

}  // namespace lockstep
