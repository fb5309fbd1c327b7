// Drop-in std::counting_semaphore and std::binary_semaphore, seen by lockstep and optionally named
// for reports. (libstdc++'s own semaphores wait on futexes the runtime cannot see: use these, or
// POSIX sem_t, which the runtime interposes.)
//
// Happens-before: a release() happens before every acquisition that returns after it (the one that
// takes its permit among them).
// Misuse: release(n) taking the count above max() is reported as `semaphore-over-release`; the
// permits are still added, as libstdc++ does (a binary_semaphore then lets two threads in), so the
// program goes on. Every other operation behaves as std's; try_acquire never fails spuriously.
// Real deadlock: a blocking wait that no running thread is left to end (every thread stuck in waits
// the runtime sees) is reported as `deadlock`, and the process ends instead of hanging.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/semaphore.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20))"
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <lockstep/detail/quiet_sync.hpp>
#include <lockstep/lockstep.h>
#include <lockstep/mutex.hpp>  // detail::to_posix_deadline

namespace lockstep {

template <std::ptrdiff_t LeastMaxValue = std::numeric_limits<int>::max()> class counting_semaphore {
  static_assert(LeastMaxValue >= 0, "counting_semaphore's maximum cannot be negative");

public:
  static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

  // Precondition: 0 <= desired <= max().
  constexpr explicit counting_semaphore(std::ptrdiff_t desired) noexcept : count_(desired) {}
  // `name` appears in reports ("semaphore 'pool' at 0x...").
  counting_semaphore(std::ptrdiff_t desired, const char *name) noexcept : count_(desired) {
    lockstep_name_object(this, name);
  }
  ~counting_semaphore() {
    lockstep_sem_destroy(this);  // also forgets a name given to a semaphore never used
  }
  counting_semaphore(const counting_semaphore &) = delete;
  counting_semaphore &operator=(const counting_semaphore &) = delete;

  // Precondition: 0 <= update <= max() - (the current count); else semaphore-over-release.
  void release(std::ptrdiff_t update = 1) {
    bool wake;
    {
      detail::quiet_guard g(m_);
      announce();
      lockstep_sem_release(this, update, max());  // before a waiter can take the permits
      count_.store(count_.load(std::memory_order_relaxed) + update, std::memory_order_relaxed);
      wake = sleepers_ > 0;
      if (wake) seq_.fetch_add(1, std::memory_order_relaxed);
    }
    if (wake) detail::futex_wake(seq_, update > INT_MAX ? INT_MAX : static_cast<int>(update));
  }

  void acquire() noexcept { (void)acquire_until(nullptr, false); }
  bool try_acquire() noexcept {
    detail::quiet_guard g(m_);
    const bool taken = take_locked();
    lockstep_sem_try_acquire(this, taken);
    return taken;
  }
  template <class Rep, class Period> bool try_acquire_for(const std::chrono::duration<Rep, Period> &d) {
    return try_acquire_until(std::chrono::steady_clock::now() + d);
  }
  template <class Clock, class Duration> bool try_acquire_until(const std::chrono::time_point<Clock, Duration> &t) {
    clockid_t clock;
    timespec ts;
    detail::to_posix_deadline(t, clock, ts);
    return acquire_until(&ts, clock == CLOCK_REALTIME);
  }

private:
  // Tells the runtime the initial count once, under m_ (the constructor is constexpr: a constant-
  // initialized semaphore never runs code at construction).
  void announce() noexcept {
    if (announced_) return;
    lockstep_sem_init(this, count_.load(std::memory_order_relaxed), max());
    announced_ = true;
  }
  bool take_locked() noexcept {
    announce();
    const std::ptrdiff_t c = count_.load(std::memory_order_relaxed);
    if (c <= 0) return false;
    count_.store(c - 1, std::memory_order_relaxed);
    return true;
  }
  // Waits for a permit until the deadline (null: for ever); false when it passed without one. A
  // permit is often on its way: the count is polled briefly (read only; taken under m_) before the
  // thread registers as a sleeper, whom every release must then wake with a system call.
  bool acquire_until(const timespec *deadline, bool realtime) noexcept {
    detail::watched_wait_end w;  // untimed waits only: a timed one cannot deadlock
    for (bool timed_out = false, polled = false;;) {
      std::uint32_t seen = 0;
      {
        detail::quiet_guard g(m_);
        const bool taken = take_locked();
        if (taken || timed_out) {
          if (deadline)
            lockstep_sem_timed_acquire(this, taken);
          else
            lockstep_sem_acquire(this);
          return taken;
        }
        if (polled) {
          seen = seq_.load(std::memory_order_relaxed);  // a release after this changes it: no lost wakeup
          ++sleepers_;
        }
      }
      if (!polled) {
        polled = true;
        detail::spin_until([this] { return count_.load(std::memory_order_relaxed) > 0; });
        continue;
      }
      if (deadline)
        timed_out = !detail::futex_wait(seq_, seen, deadline, realtime);
      else
        detail::futex_wait_watched(seq_, seen, this, w.watched);
      polled = false;
      detail::quiet_guard g(m_);
      --sleepers_;
    }
  }

  detail::quiet_mutex m_;
  std::atomic<std::ptrdiff_t> count_;  // changed only under m_; atomic so that waiters may poll it
  std::ptrdiff_t sleepers_ = 0;
  std::atomic<std::uint32_t> seq_{0};  // bumped by a release that finds sleepers: what they wait on
  bool announced_ = false;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace lockstep
