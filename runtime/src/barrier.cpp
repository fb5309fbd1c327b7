// Latch and barrier events: every count-down of a latch happens before its waits return; every
// arrival of a barrier phase (and the phase's completion function) happens before any thread leaves
// that phase. The misuse reports latch-underflow and barrier-overflow, and the C event API
// (lockstep_latch_*, lockstep_barrier_*) shared by the drop-in types and pthread_barrier_*.
//
// Every handler follows mutex.cpp's skeleton: update state under the record's spinlock, remember
// what to report, release the spinlock, then build and emit the report (rtl.hpp rule 6).
#include <string>

#include <lockstep/lockstep.h>

#include "rtl.hpp"

namespace lockstep::rt {

namespace {

sync_var *record(std::uintptr_t addr, sync_kind kind) noexcept {
  sync_var *s = sync_get_or_create(addr, kind);
  if (s && s->kind == sync_kind::unknown) {  // first seen through naming
    spin_guard g(s->mtx);
    s->kind = kind;
  }
  return s;
}

void report_misuse(thread_state *thr, std::string_view kind, std::uintptr_t addr, const std::string &what) {
  try {
    misuse_report(thr, kind, addr, what, 0, {}, "");
  } catch (...) {
  }
}

std::string plural(std::int64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void latch_init(thread_state *thr, std::uintptr_t addr, std::int64_t count) noexcept {
  (void)thr;
  sync_renew(addr, sync_kind::latch, count);
}

void latch_count_down(thread_state *thr, std::uintptr_t addr, std::int64_t n) noexcept {
  sync_var *s = record(addr, sync_kind::latch);
  if (!s) return;
  bool under = false;
  std::int64_t before = 0;
  {
    spin_guard g(s->mtx);
    release(thr, s->clock);
    if (s->counter.known) {
      before = s->counter.count;
      under = n > before;
      s->counter.count = under ? 0 : before - n;  // the drop-in type stops at zero too
    }
  }
  if (under)
    report_misuse(thr, "latch-underflow", addr,
                  "count_down(" + std::to_string(n) + ") with " + plural(before, "count-down", "count-downs") +
                      " left takes the count below zero of");
}

void latch_wait(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = record(addr, sync_kind::latch);
  if (!s) return;
  spin_guard g(s->mtx);
  acquire(thr, s->clock);
}

void barrier_init(thread_state *thr, std::uintptr_t addr, std::int64_t expected) noexcept {
  (void)thr;
  sync_renew(addr, sync_kind::barrier, expected);
}

void barrier_arrive(thread_state *thr, std::uintptr_t addr, std::int64_t n, bool drop) noexcept {
  sync_var *s = record(addr, sync_kind::barrier);
  if (!s) return;
  std::string misuse;
  {
    spin_guard g(s->mtx);
    counter_state &c = s->counter;
    if (c.completing == thr->tid + 1) {
      // The completion function arrives at its own barrier: the phase is over, the next has not
      // begun. The drop-in type ignores such an arrival; so does the count here.
      misuse = "arrival from inside the completion function of";
    } else {
      release(thr, s->arrivals);
      if (c.known) {
        if (drop) {
          if (c.limit <= 0)
            misuse = "arrive_and_drop with no participant left of";
          else
            --c.limit;
        }
        if (n > c.count) {
          if (misuse.empty())
            misuse = "arrival of " + std::to_string(n) + " with " + plural(c.count, "arrival", "arrivals") +
                     " left in phase " + std::to_string(c.phase) + " (" + plural(c.limit, "participant", "participants") +
                     ") of";
          n = c.count;  // as the drop-in type: the phase completes
        }
        c.count -= n;
        if (c.count == 0 && n > 0) {
          // The phase is complete: its arrivals happen before every departure from it (the clock
          // departures acquire accumulates the phases, so a late waiter still finds its own).
          s->clock.join(s->arrivals);
          s->arrivals.reset();
          ++c.phase;
          c.count = c.limit;
        }
      }
    }
  }
  if (!misuse.empty()) report_misuse(thr, "barrier-overflow", addr, misuse);
}

void barrier_completion_begin(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = record(addr, sync_kind::barrier);
  if (!s) return;
  spin_guard g(s->mtx);
  acquire(thr, s->clock);  // every arrival of the phase happens before the completion function
  if (!s->counter.known) acquire(thr, s->arrivals);
  s->counter.completing = thr->tid + 1;
}

void barrier_completion_end(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = record(addr, sync_kind::barrier);
  if (!s) return;
  spin_guard g(s->mtx);
  release(thr, s->clock);  // the completion function happens before every departure
  s->counter.completing = 0;
}

void barrier_depart(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = record(addr, sync_kind::barrier);
  if (!s) return;
  spin_guard g(s->mtx);
  acquire(thr, s->clock);
  // Without an init event the phases cannot be counted: every arrival so far is taken instead
  // (more order than there is, so races may be missed, never invented).
  if (!s->counter.known) acquire(thr, s->arrivals);
}

}  // namespace lockstep::rt

using namespace lockstep::rt;

extern "C" {

void lockstep_latch_init(const volatile void *l, long long count) {
  tracked_event([&](thread_state *t) { latch_init(t, addr_of(l), count); });
}
void lockstep_latch_count_down(const volatile void *l, long long n) {
  tracked_event([&](thread_state *t) { latch_count_down(t, addr_of(l), n); });
}
void lockstep_latch_wait(const volatile void *l) {
  tracked_event([&](thread_state *t) { latch_wait(t, addr_of(l)); });
}
void lockstep_latch_destroy(const volatile void *l) {
  tracked_event([&](thread_state *) { sync_forget(addr_of(l)); });
}
void lockstep_barrier_init(const volatile void *b, long long expected) {
  tracked_event([&](thread_state *t) { barrier_init(t, addr_of(b), expected); });
}
void lockstep_barrier_arrive(const volatile void *b, long long n, int drop) {
  tracked_event([&](thread_state *t) { barrier_arrive(t, addr_of(b), n, drop != 0); });
}
void lockstep_barrier_completion_begin(const volatile void *b) {
  tracked_event([&](thread_state *t) { barrier_completion_begin(t, addr_of(b)); });
}
void lockstep_barrier_completion_end(const volatile void *b) {
  tracked_event([&](thread_state *t) { barrier_completion_end(t, addr_of(b)); });
}
void lockstep_barrier_wait(const volatile void *b) {
  tracked_event([&](thread_state *t) { barrier_depart(t, addr_of(b)); });
}
void lockstep_barrier_destroy(const volatile void *b) {
  tracked_event([&](thread_state *) { sync_forget(addr_of(b)); });
}

}  // extern "C"
