// Counting-semaphore events: a release happens before the acquisition that takes its permit (the
// semaphore's clock: every release joins into it, every successful acquisition acquires from it),
// the misuse report semaphore-over-release, and the C event API (lockstep_sem_*) that the drop-in
// types and the interposed sem_* functions share.
//
// Every handler follows mutex.cpp's skeleton: update state under the record's spinlock, remember
// what to report, release the spinlock, then build and emit the report (rtl.hpp rule 6).
#include <string>

#include <lockstep/lockstep.h>

#include "rtl.hpp"

namespace lockstep::rt {

namespace {

void report_over_release(thread_state *thr, std::uintptr_t addr, std::int64_t n, std::int64_t before,
                         std::int64_t max, bool refused) {
  try {
    std::string what = "release of " + std::to_string(n) + (n == 1 ? " permit" : " permits");
    if (refused)
      what += " refused (EOVERFLOW: the count would pass SEM_VALUE_MAX) by";
    else
      what += " (count " + std::to_string(before) + " -> " + std::to_string(before + n) + ", above max() " +
              std::to_string(max) + ") of";
    misuse_report(thr, "semaphore-over-release", addr, what, 0, {}, "");
  } catch (...) {
  }
}

}  // namespace

void semaphore_init(thread_state *thr, std::uintptr_t addr, std::int64_t count, std::int64_t max) noexcept {
  (void)thr;
  if (sync_var *s = sync_renew(addr, sync_kind::semaphore, count)) {
    spin_guard g(s->mtx);
    s->counter.limit = max;
  }
}

void semaphore_release(thread_state *thr, std::uintptr_t addr, std::int64_t n, std::int64_t max) noexcept {
  sync_var *s = sync_get_or_create(addr, sync_kind::semaphore);
  if (!s) return;
  bool over = false;
  std::int64_t before = 0;
  {
    spin_guard g(s->mtx);
    if (s->kind == sync_kind::unknown) s->kind = sync_kind::semaphore;  // first seen through naming
    release(thr, s->clock);
    if (max <= 0) max = s->counter.limit;
    if (s->counter.known) {
      before = s->counter.count;
      s->counter.count += n;
      over = max > 0 && n > 0 && s->counter.count > max;
    }
  }
  if (over) report_over_release(thr, addr, n, before, max, false);
}

void semaphore_release_failed(thread_state *thr, std::uintptr_t addr, std::int64_t n, std::int64_t max,
                              bool overflow) noexcept {
  if (sync_var *s = sync_find(addr)) {
    spin_guard g(s->mtx);
    if (s->counter.known) s->counter.count -= n;
  }
  if (overflow) report_over_release(thr, addr, n, 0, max, true);
}

void semaphore_acquire(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = sync_get_or_create(addr, sync_kind::semaphore);
  if (!s) return;
  spin_guard g(s->mtx);
  if (s->kind == sync_kind::unknown) s->kind = sync_kind::semaphore;
  acquire(thr, s->clock);  // every release so far: the one whose permit was taken among them
  if (s->counter.known && s->counter.count > 0) --s->counter.count;
}

}  // namespace lockstep::rt

using namespace lockstep::rt;

extern "C" {

void lockstep_sem_init(const volatile void *sem, long long count, long long max) {
  tracked_event([&](thread_state *t) { semaphore_init(t, addr_of(sem), count, max); });
}
void lockstep_sem_release(const volatile void *sem, long long n, long long max) {
  tracked_event([&](thread_state *t) { semaphore_release(t, addr_of(sem), n, max); });
}
void lockstep_sem_acquire(const volatile void *sem) {
  tracked_event([&](thread_state *t) { semaphore_acquire(t, addr_of(sem)); });
}
void lockstep_sem_try_acquire(const volatile void *sem, int acquired) {
  if (acquired) lockstep_sem_acquire(sem);  // a failed try takes nothing and orders nothing
}
void lockstep_sem_timed_acquire(const volatile void *sem, int acquired) {
  if (acquired) lockstep_sem_acquire(sem);  // a timed-out wait takes nothing and orders nothing
}
void lockstep_sem_destroy(const volatile void *sem) {
  tracked_event([&](thread_state *) { sync_forget(addr_of(sem)); });
}

}  // extern "C"
