// What the drop-in semaphore, latch and barrier block and wake with: a futex word and a lock built
// on it, which the runtime does not see (no pthread call). The drop-in types tell the runtime what
// their operations mean through the typed event API instead, so their internals add no order of
// their own (a lock the runtime saw would order every operation after every earlier one, hiding
// races) and no lock-order edges. Linux only, as the rest of liblockstep.
#pragma once

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>

#include <lockstep/lockstep.h>

namespace lockstep::detail {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t), "a futex word is 32 bits");

// Sleeps while `word` holds `expected`, until woken or the absolute deadline on CLOCK_MONOTONIC
// (CLOCK_REALTIME when `realtime`) passes; null: no deadline. False only when the deadline passed.
inline bool futex_wait(const std::atomic<std::uint32_t> &word, std::uint32_t expected, const timespec *deadline = nullptr,
                       bool realtime = false) noexcept {
  const int op = FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | (realtime ? FUTEX_CLOCK_REALTIME : 0);
  const long r = ::syscall(SYS_futex, const_cast<std::atomic<std::uint32_t> *>(&word), op, expected, deadline, nullptr,
                           FUTEX_BITSET_MATCH_ANY);
  return !(r != 0 && errno == ETIMEDOUT);
}

// Wakes up to n threads sleeping on `word`.
inline void futex_wake(const std::atomic<std::uint32_t> &word, int n = INT_MAX) noexcept {
  ::syscall(SYS_futex, const_cast<std::atomic<std::uint32_t> *>(&word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, nullptr,
            nullptr, 0);
}

// The sleep of a blocking wait on `object` (a drop-in semaphore, latch or barrier), in slices of the
// runtime's deadlock-check interval: after a slice that ended with `word` still at `expected`, the
// runtime checks whether every thread is stuck (and reports a deadlock then ends the process).
// `watched` becomes true then; the wait calls lockstep_wait_unblocked() once it is over.
inline void futex_wait_watched(const std::atomic<std::uint32_t> &word, std::uint32_t expected,
                               const volatile void *object, bool &watched) noexcept {
  const int ms = lockstep_wait_check_ms();
  if (ms <= 0) {
    futex_wait(word, expected);
    return;
  }
  const timespec slice{ms / 1000, (ms % 1000) * 1000000L};  // FUTEX_WAIT: a relative timeout
  const long r = ::syscall(SYS_futex, const_cast<std::atomic<std::uint32_t> *>(&word), FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
                           expected, &slice, nullptr, 0);
  if (r != 0 && errno == ETIMEDOUT && word.load(std::memory_order_relaxed) == expected) {
    lockstep_wait_blocked(object, reinterpret_cast<const volatile unsigned *>(&word), expected);
    watched = true;
  }
}

// Ends a watched wait (see futex_wait_watched).
struct watched_wait_end {
  bool watched = false;
  ~watched_wait_end() {
    if (watched) lockstep_wait_unblocked();
  }
};

// Before a thread sleeps on a futex: the condition is usually met within microseconds (the other
// participants of a barrier phase are arriving, a released permit is on its way), and a futex sleep
// and wake-up costs both threads tens of microseconds. Polls `ready` a few times with pauses, then
// while yielding the core (as libstdc++'s atomic waits do); true when it became ready meanwhile.
template <class Ready> inline bool spin_until(Ready ready) noexcept {
  for (int i = 0; i < 16; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  for (int i = 0; i < 16; ++i) {
    if (ready()) return true;
    sched_yield();
  }
  return ready();
}

// A mutex the runtime does not see (Drepper's futex mutex: 0 free, 1 locked, 2 locked with sleepers).
// Held only for a few instructions and one event call, never while user code runs.
class quiet_mutex {
public:
  void lock() noexcept {
    std::uint32_t c = 0;
    if (s_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    if (c != 2) c = s_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      futex_wait(s_, 2);
      c = s_.exchange(2, std::memory_order_acquire);
    }
  }
  void unlock() noexcept {
    if (s_.exchange(0, std::memory_order_release) == 2) futex_wake(s_, 1);
  }

private:
  std::atomic<std::uint32_t> s_{0};
};

class quiet_guard {
public:
  explicit quiet_guard(quiet_mutex &m) noexcept : m_(m) { m_.lock(); }
  ~quiet_guard() { m_.unlock(); }
  quiet_guard(const quiet_guard &) = delete;
  quiet_guard &operator=(const quiet_guard &) = delete;

private:
  quiet_mutex &m_;
};

}  // namespace lockstep::detail
