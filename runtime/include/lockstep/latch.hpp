// Drop-in std::latch, seen by lockstep and optionally named for reports. (libstdc++'s std::latch
// waits on a futex the runtime cannot see.)
//
// Happens-before: every count_down() happens before every wait() (or true try_wait()) that returns
// because the count reached zero.
// Misuse: count_down(n) with fewer than n count-downs left is reported as `latch-underflow`; the
// count stops at zero and the waiters are released, so the program goes on (std's latch would be
// left below zero, and its waiters would never return).
// Real deadlock: a blocking wait that no running thread is left to end (every thread stuck in waits
// the runtime sees) is reported as `deadlock`, and the process ends instead of hanging.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/latch.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20))"
#endif

#include <cstddef>
#include <cstdint>
#include <limits>

#include <lockstep/detail/quiet_sync.hpp>
#include <lockstep/lockstep.h>

namespace lockstep {

class latch {
public:
  static constexpr std::ptrdiff_t max() noexcept { return std::numeric_limits<std::ptrdiff_t>::max(); }

  // Precondition: 0 <= expected <= max().
  constexpr explicit latch(std::ptrdiff_t expected) noexcept : count_(expected), open_(expected <= 0 ? 1 : 0) {}
  // `name` appears in reports ("latch 'start' at 0x...").
  latch(std::ptrdiff_t expected, const char *name) noexcept : latch(expected) { lockstep_name_object(this, name); }
  ~latch() {
    lockstep_latch_destroy(this);  // also forgets a name given to a latch never used
  }
  latch(const latch &) = delete;
  latch &operator=(const latch &) = delete;

  // Precondition: 0 <= update <= the count left; else latch-underflow.
  void count_down(std::ptrdiff_t update = 1) noexcept {
    bool opened = false;
    {
      detail::quiet_guard g(m_);
      if (!announced_) {
        lockstep_latch_init(this, count_);  // once, under m_: the constructor is constexpr
        announced_ = true;
      }
      lockstep_latch_count_down(this, update);  // before a waiter can see it
      count_ = update >= count_ ? 0 : count_ - update;
      if (count_ == 0 && open_.load(std::memory_order_relaxed) == 0) {
        open_.store(1, std::memory_order_release);
        opened = true;
      }
    }
    if (opened) detail::futex_wake(open_);
  }
  bool try_wait() const noexcept {
    if (open_.load(std::memory_order_acquire) == 0) return false;
    lockstep_latch_wait(this);
    return true;
  }
  void wait() const noexcept {
    auto open = [this] { return open_.load(std::memory_order_acquire) != 0; };
    if (!detail::spin_until(open)) {
      detail::watched_wait_end w;
      while (!open()) detail::futex_wait_watched(open_, 0, this, w.watched);
    }
    lockstep_latch_wait(this);
  }
  void arrive_and_wait(std::ptrdiff_t update = 1) noexcept {
    count_down(update);
    wait();
  }

private:
  detail::quiet_mutex m_;
  std::ptrdiff_t count_;
  std::atomic<std::uint32_t> open_;  // 1 once the count reached zero (what waiters sleep on)
  bool announced_ = false;
};

}  // namespace lockstep
