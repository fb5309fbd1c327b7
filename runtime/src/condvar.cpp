// Condition-variable events (signal/broadcast happen before the wakeup they cause; the waiter's mutex
// is released and retaken inside the wait), the misuse reports cv-multiple-mutexes and
// cv-wait-without-lock, the publication of untimed waits for the deadlock watchdog, and the
// once-style idioms (pthread_once, function-local statics).
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "rtl.hpp"

namespace lockstep::rt {

namespace {

void cv_report(thread_state *thr, std::string_view kind, std::uintptr_t cv, std::uintptr_t mutex,
               std::uintptr_t other_mutex, std::uint32_t other_tid1, std::uint32_t other_stack) {
  report r;
  r.kind = kind;
  const std::string cvd = describe_sync(cv, nullptr, 0, sync_kind::condvar);
  report_event ev;
  ev.thread = thr->unique_id;
  ev.stack = capture_stack(0);
  ev.locks_held = held_locks_of(thr);
  if (kind == "cv-wait-without-lock") {
    r.summary = "wait on " + cvd + " without holding its mutex";
    ev.description = "thread T" + std::to_string(thr->unique_id) + " waits on " + cvd + " with " +
                     describe_sync(mutex) + ", which it does not hold";
  } else {
    r.summary = "threads wait on " + cvd + " with different mutexes";
    ev.description = "thread T" + std::to_string(thr->unique_id) + " waits on " + cvd + " with " +
                     describe_sync(mutex);
  }
  r.events.push_back(std::move(ev));
  r.threads.push_back(describe_thread(*thr));
  if (other_tid1) {
    if (thread_state *o = thread_by_tid(other_tid1 - 1)) {
      report_event prev;
      prev.thread = o->unique_id;
      prev.description = "while thread T" + std::to_string(o->unique_id) + " waits on it with " +
                         describe_sync(other_mutex);
      prev.stack = stack_from_id(other_stack);
      prev.locks_known = false;
      r.events.push_back(std::move(prev));
      if (o != thr) r.threads.push_back(describe_thread(*o));
    }
  }
  r.objects.push_back(describe_object(cv));
  r.once_per_site = true;
  if (mutex) r.objects.push_back(describe_object(mutex));
  emit(thr, std::move(r));
}

// An untimed wait is about to start: what it waits on, for the watchdog (thread_state::cv_wait). The
// waiter counts as stuck only while the notification count keeps the value read here: every real
// notification that can wake it starts after its real wait began, hence after this read, and
// counts itself once its real call returned (cond_signal_done); until then its thread is running.
// Plain stores, one frame-pointer walk (the stack a report shows; libstdc++'s wait is a tail
// call, so the caller's frames are the user's): every wait pays this, only a long one uses it.
void publish_untimed_wait(thread_state *thr, sync_var *c, std::uintptr_t cv, std::uintptr_t mutex,
                          std::uintptr_t pc) noexcept {
  thr->blocked_kind = wait_kind::condition_variable;
  thr->blocked_target_tid = 0;
  thr->blocked_on.store(cv, std::memory_order_relaxed);
  thr->block_seq.store(thr->block_seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  thr->blocked_stack = fp_stack_id(thr, pc);
  thr->blocked_word = &c->cv_signals;
  thr->blocked_expected = __atomic_load_n(&c->cv_signals, __ATOMIC_ACQUIRE);
  thr->cv_wait_mutex = mutex;
  thr->cv_wait.store(1, std::memory_order_release);  // publishes the fields above to the watchdog
  watchdog_start();
}

}  // namespace

sync_var *cond_pre_wait(thread_state *thr, std::uintptr_t cv, std::uintptr_t mutex, std::uintptr_t pc,
                        bool watched) noexcept {
  drop_forgotten_held(thr);
  held_lock *h = find_held(thr, mutex);
  sync_var *c = sync_get_or_create(cv, sync_kind::condvar);
  bool multiple = false;
  std::uintptr_t other_mutex = 0;
  std::uint32_t other_tid1 = 0, other_stack = 0;
  if (c) {
    spin_guard g(c->mtx);
    if (c->kind == sync_kind::unknown) c->kind = sync_kind::condvar;  // first seen through naming
    if (c->cv_waiters > 0 && c->cv_mutex != mutex) {
      multiple = true;
      c->cv_mixed = true;
      other_mutex = c->cv_mutex;
      other_tid1 = c->cv_mutex_tid;
      other_stack = c->cv_mutex_stack;
    }
    if (c->cv_waiters == 0) {
      c->cv_mutex = mutex;
      c->cv_mutex_tid = thr->tid + 1;
      c->cv_mutex_stack = 0;
    }
    __atomic_store_n(&c->cv_waiters, c->cv_waiters + 1, __ATOMIC_RELAXED);  // read by cond_signal_done
  }
  try {
    if (!h || h->shared) cv_report(thr, "cv-wait-without-lock", cv, mutex, 0, 0, 0);
    // The other waiter's stack is not captured (that would cost every wait); it is named instead.
    if (multiple) cv_report(thr, "cv-multiple-mutexes", cv, mutex, other_mutex, other_tid1, other_stack);
  } catch (...) {
  }
  sync_var *m;
  if (!h || h->shared) {
    // The real wait still returns with the mutex locked by this thread (POSIX): record that
    // acquisition after the wait, so the program's matching unlock is not reported as well.
    m = sync_get_or_create(mutex, sync_kind::mutex);
  } else {
    m = h->sync;
    mutex_wait_release(thr, m);
  }
  if (watched && c && deadlock_check_interval_ms() > 0) publish_untimed_wait(thr, c, cv, mutex, pc);
  return m;
}

void cond_post_wait(thread_state *thr, std::uintptr_t cv, sync_var *m, std::uintptr_t pc) noexcept {
  // First of all: the wait is over (also when a cancellation unwinds it).
  if (thr->cv_wait.load(std::memory_order_relaxed) != 0 && thr->cv_wait.exchange(0, std::memory_order_acq_rel) == 2)
    deadlock_on_cv_wait_end(thr);
  if (sync_var *c = sync_find(cv)) {
    spin_guard g(c->mtx);
    if (c->cv_waiters > 0) __atomic_store_n(&c->cv_waiters, c->cv_waiters - 1, __ATOMIC_RELAXED);
    acquire(thr, c->clock);  // every signal/broadcast so far happens before this wakeup
  }
  if (m) mutex_wait_reacquire(thr, m, pc);
}

sync_var *cond_signal(thread_state *thr, std::uintptr_t cv, std::uintptr_t pc) noexcept {
  sync_var *c = sync_get_or_create(cv, sync_kind::condvar);
  if (!c) return nullptr;
  // Who notified last, for a deadlock report about a notification that came before the wait.
  stack_prefix where;
  fp_stack_prefix(pc, thr->stack, where);
  drop_forgotten_held(thr);
  spin_guard g(c->mtx);
  if (c->kind == sync_kind::unknown) c->kind = sync_kind::condvar;
  // A notification happens before the wakeup it causes. Where the notifying thread holds the mutex
  // its waiters use (exclusively), that order is already there: a woken waiter returns only with that
  // mutex retaken, after this thread's unlock of it, whose release covers all this one would. So the
  // release (and the new epoch it starts: leveldb's writer queue notifies a waiter on every write)
  // is left out. Not where waiters ever used different mutexes at once (cv-multiple-mutexes): one of
  // them may not retake this one.
  const held_lock *h = c->cv_mutex && !c->cv_mixed ? find_held(thr, c->cv_mutex) : nullptr;
  if (!h || h->shared) release(thr, c->clock);
  c->cv_last_notify_thread = thr->unique_id + 1;
  for (std::uint32_t i = 0; i < where.size; ++i) c->cv_last_notify_pcs[i] = where.pcs[i];
  c->cv_last_notify_frames = where.size;
  return c;
}

void cond_destroy(thread_state *thr, std::uintptr_t cv) noexcept {
  (void)thr;
  sync_remove(cv);
}

void address_release(thread_state *thr, std::uintptr_t addr, sync_kind kind) noexcept {
  sync_var *s = sync_get_or_create(addr, kind);
  if (!s) return;
  spin_guard g(s->mtx);
  release(thr, s->clock);
}

void address_acquire(thread_state *thr, std::uintptr_t addr) noexcept {
  sync_var *s = sync_find(addr);
  if (!s) return;
  spin_guard g(s->mtx);
  acquire(thr, s->clock);
}

// Guard states kept in sync_var::guard_state; the initializing thread's pthread_t in guard_initializer.
namespace {
constexpr std::uint32_t guard_idle = 0, guard_running = 1, guard_done = 2;
}

// The state word is read and changed with atomics, never under the record's spinlock: a signal
// handler that uses the same static while its thread is inside these functions must neither spin
// on a lock its own thread holds nor see a torn state. Happens-before (the clock) is handled under
// the spinlock, and only outside nested (handler) calls.
namespace {
std::uint32_t guard_state(sync_var *s) noexcept { return __atomic_load_n(&s->guard_state, __ATOMIC_ACQUIRE); }
}  // namespace

int guard_acquire(thread_state *thr, std::uintptr_t guard) noexcept {
  const bool track = thr && thr->in_rt == 0;  // false inside a handler that interrupted the runtime
  // Marked inside the runtime before the lookup: creating the record may take a table stripe, and a
  // handler using a static meanwhile must not spin on it.
  if (thr) ++thr->in_rt;
  sync_var *s = sync_get_or_create(guard, sync_kind::guard);
  if (!s) {
    if (thr) --thr->in_rt;
    // No memory for the record: fall back to a private spin on the guard's second byte.
    auto *b = reinterpret_cast<std::atomic<unsigned char> *>(guard + 1);
    for (;;) {
      unsigned char v = b->load(std::memory_order_acquire);
      if (v == 2) return 0;
      if (v == 0 && b->compare_exchange_strong(v, 1)) return 1;
      sched_yield();
    }
  }
  const std::uintptr_t self = static_cast<std::uintptr_t>(pthread_self());
  const int check_ms = track ? deadlock_check_interval_ms() : 0;
  timespec start{};
  bool registered = false;  // with the deadlock detector, as a long wait
  int result = -1;
  for (unsigned spins = 0; result < 0; ++spins) {
    std::uint32_t state = guard_state(s);
    if (state == guard_done) {
      // The initialization happens before this use. "done" is published (release) only after the
      // initializer's clock is final and the clock never changes again, so the acquire load above
      // makes it safe to read without the record's lock: every use of a built static (a signal
      // handler's included) is lock-free.
      if (track) acquire(thr, s->clock);
      result = 0;
      break;
    }
    if (state == guard_idle) {
      if (__atomic_compare_exchange_n(&s->guard_state, &state, guard_running, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&s->guard_initializer, self, __ATOMIC_RELAXED);
        s->owner.store(thr ? thr->tid + 1 : 0, std::memory_order_relaxed);  // who can finish it
        result = 1;
        break;
      }
      continue;
    }
    if (__atomic_load_n(&s->guard_initializer, __ATOMIC_RELAXED) == self) {
      // The initializer of this static re-entered it (directly or from a signal handler): the C++
      // runtime would throw recursive_init_error or hang; we cannot throw from here, so stop loudly.
      static const char msg[] = "lockstep: recursive initialization of a function-local static\n";
      (void)!write(2, msg, sizeof msg - 1);
      abort();
    }
    // Another thread runs the initializer: wait for it. A wait that lasts is a blocking wait like
    // any other: the initializer may itself wait for something this thread holds.
    if (spins < 100) {
      sched_yield();
      continue;
    }
    timespec ts{0, 200000};
    nanosleep(&ts, nullptr);
    if (check_ms <= 0) continue;
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (start.tv_sec == 0 && start.tv_nsec == 0) start = now;
    const long waited_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (waited_ms >= check_ms) {
      deadlock_on_long_block(thr, guard, wait_kind::static_init, 0);  // reports and exits on a confirmed cycle
      registered = true;
      start = now;
    }
  }
  if (registered) deadlock_on_unblock(thr);
  if (thr) --thr->in_rt;
  return result;
}

void guard_release(thread_state *thr, std::uintptr_t guard) noexcept {
  const bool track = thr && thr->in_rt == 0;
  // Inside the runtime from the lookup on: a lookup can take a table stripe (see addr_table::find).
  if (thr) ++thr->in_rt;
  if (sync_var *s = sync_find(guard)) {
    if (track) {
      spin_guard g(s->mtx);
      release(thr, s->clock);
    }
    s->owner.store(0, std::memory_order_relaxed);
    __atomic_store_n(&s->guard_initializer, std::uintptr_t{0}, __ATOMIC_RELAXED);
    __atomic_store_n(&s->guard_state, guard_done, __ATOMIC_RELEASE);  // after the clock is final
  } else {
    reinterpret_cast<std::atomic<unsigned char> *>(guard + 1)->store(2, std::memory_order_release);
  }
  if (thr) --thr->in_rt;
}

void guard_abort(std::uintptr_t guard) noexcept {
  thread_state *thr = cur_thread_if_any();
  if (thr) ++thr->in_rt;  // as in guard_release
  if (sync_var *s = sync_find(guard)) {
    s->owner.store(0, std::memory_order_relaxed);
    __atomic_store_n(&s->guard_initializer, std::uintptr_t{0}, __ATOMIC_RELAXED);
    __atomic_store_n(&s->guard_state, guard_idle, __ATOMIC_RELEASE);  // the initializer threw: try again
  } else {
    reinterpret_cast<std::atomic<unsigned char> *>(guard + 1)->store(0, std::memory_order_release);
  }
  if (thr) --thr->in_rt;
}

}  // namespace lockstep::rt
