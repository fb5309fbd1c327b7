// Drop-in std::barrier, seen by lockstep and optionally named for reports. (libstdc++'s std::barrier
// waits on futexes the runtime cannot see.)
//
// Happens-before: every arrival of a phase, and the phase's completion function, happen before every
// wait for that phase returns (arrive_and_wait included).
// Misuse, reported as `barrier-overflow`, after which the program goes on:
//  * arrive(n) with fewer than n arrivals left in the phase: the arrival counts as the ones left (the
//    phase completes);
//  * arrive_and_drop() with no participant left: ignored;
//  * an arrival from inside the completion function: ignored, and a wait for it returns at once.
// The completion function runs on the thread whose arrival completed the phase, as with std.
// Real deadlock: a blocking wait that no running thread is left to end (every thread stuck in waits
// the runtime sees) is reported as `deadlock`, and the process ends instead of hanging.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/barrier.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20))"
#endif

#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include <lockstep/detail/quiet_sync.hpp>
#include <lockstep/lockstep.h>

namespace lockstep {

namespace detail {
struct empty_completion {
  void operator()() noexcept {}
};
}  // namespace detail

template <class CompletionFunction = detail::empty_completion> class barrier {
  static_assert(std::is_nothrow_invocable_v<CompletionFunction &>,
                "a barrier's completion function must be invocable without throwing, as std::barrier's");

public:
  class arrival_token {
  public:
    arrival_token(arrival_token &&) noexcept = default;
    arrival_token &operator=(arrival_token &&) noexcept = default;

  private:
    friend class barrier;
    arrival_token(std::uint64_t phase, bool counted) noexcept : phase_(phase), counted_(counted) {}
    std::uint64_t phase_;
    bool counted_;  // false: a misused arrival that was ignored; waiting for it returns at once
  };

  static constexpr std::ptrdiff_t max() noexcept { return std::numeric_limits<std::ptrdiff_t>::max(); }

  // Precondition: 0 <= expected <= max().
  constexpr explicit barrier(std::ptrdiff_t expected, CompletionFunction f = CompletionFunction())
      : expected_(expected), left_(expected), completion_(std::move(f)) {}
  // `name` appears in reports ("barrier 'step' at 0x...").
  barrier(std::ptrdiff_t expected, const char *name, CompletionFunction f = CompletionFunction())
      : barrier(expected, std::move(f)) {
    lockstep_name_object(this, name);
  }
  ~barrier() {
    lockstep_barrier_destroy(this);  // also forgets a name given to a barrier never used
  }
  barrier(const barrier &) = delete;
  barrier &operator=(const barrier &) = delete;

  // Precondition: 0 < update <= the arrivals left in the current phase; else barrier-overflow.
  [[nodiscard]] arrival_token arrive(std::ptrdiff_t update = 1) { return arrive_impl(update, false); }
  // Returns once the phase of `arrival` is complete (its completion function has run).
  void wait(arrival_token &&arrival) const {
    if (!arrival.counted_) return;
    const auto phase = static_cast<std::uint32_t>(arrival.phase_);
    auto complete = [&] {  // the count of complete phases has passed the token's: wraps safely
      return static_cast<std::int32_t>(completed_.load(std::memory_order_acquire) - phase) > 0;
    };
    if (!detail::spin_until(complete)) {
      detail::watched_wait_end w;
      for (;;) {
        const std::uint32_t done = completed_.load(std::memory_order_acquire);
        if (static_cast<std::int32_t>(done - phase) > 0) break;
        detail::futex_wait_watched(completed_, done, this, w.watched);
      }
    }
    lockstep_barrier_wait(this);
  }
  void arrive_and_wait() { wait(arrive()); }
  // Arrives in the current phase and leaves the barrier: later phases expect one participant fewer.
  void arrive_and_drop() { (void)arrive_impl(1, true); }

private:
  arrival_token arrive_impl(std::ptrdiff_t update, bool drop) {
    std::uint64_t phase;
    bool complete = false;
    {
      detail::quiet_guard g(m_);
      if (!announced_) {
        lockstep_barrier_init(this, expected_);  // once, under m_: the constructor is constexpr
        announced_ = true;
      }
      lockstep_barrier_arrive(this, update, drop);  // before anybody can leave the phase
      const bool inside_completion = completing_ && pthread_equal(completer_, pthread_self());
      if (inside_completion || (drop && expected_ <= 0) || left_ <= 0) return arrival_token(phase_, false);
      if (drop) --expected_;
      if (update > left_) update = left_;
      left_ -= update;
      phase = phase_;
      if (left_ == 0) {
        complete = true;
        ++phase_;
        left_ = expected_;
        completing_ = true;
        completer_ = pthread_self();
      }
    }
    if (complete) {
      lockstep_barrier_completion_begin(this);
      completion_();
      lockstep_barrier_completion_end(this);
      {
        detail::quiet_guard g(m_);
        completing_ = false;
      }
      completed_.store(static_cast<std::uint32_t>(phase + 1), std::memory_order_release);
      detail::futex_wake(completed_);
    }
    return arrival_token(phase, true);
  }

  mutable detail::quiet_mutex m_;
  std::ptrdiff_t expected_;  // participants of the next phases
  std::ptrdiff_t left_;      // arrivals still expected in the current phase
  std::uint64_t phase_ = 0;  // the current phase
  bool completing_ = false;
  pthread_t completer_{};
  bool announced_ = false;
  mutable std::atomic<std::uint32_t> completed_{0};  // phases complete (low 32 bits): what waiters sleep on
  CompletionFunction completion_;
};

}  // namespace lockstep
