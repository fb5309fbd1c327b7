// The synchronization and race annotations libraries call when they are built for ThreadSanitizer
// (they test __has_feature(thread_sanitizer) or __SANITIZE_THREAD__: abseil, folly, and the
// "dynamic annotations" many code bases carry): they describe synchronization the instrumentation
// cannot see (a custom mutex, a hand-off through a pipe) and races the program accepts. A program
// built with lockstep_instrument links them from liblockstep; each maps to the runtime's own events.
//
//   AnnotateHappensBefore/After, __tsan_release/acquire, AnnotateCondVarSignal*/Wait
//                                   release into / acquire from the address's clock
//   AnnotateRWLock*, __tsan_mutex_*  the lock's events (happens-before, held sets, lock order, misuse)
//   AnnotateBenignRace(Sized)        no race is reported on the range
//   AnnotateIgnoreReads/Writes*      the calling thread's instrumented reads/writes are not checked
//   AnnotateIgnoreSync*              the calling thread's synchronization orders nothing (locks,
//                                    condition variables, semaphores, atomics, fences; thread
//                                    creation and join still do)
//   AnnotateNewMemory                the range's history is forgotten
//   AnnotateThreadName               names the calling thread
// The rest of the family (expectations of races, publication, PCQ, ...) is accepted and does
// nothing. The fiber API (__tsan_create_fiber, ...) is fibers.cpp's.
#include <cstddef>
#include <cstdint>

#include <lockstep/lockstep.h>

#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

// __tsan_mutex_* flags (compiler-rt's tsan_interface.h).
constexpr unsigned mutex_linker_init = 1u << 0;
constexpr unsigned mutex_write_reentrant = 1u << 1;
constexpr unsigned mutex_not_static = 1u << 8;
constexpr unsigned mutex_read_lock = 1u << 3;
constexpr unsigned mutex_try_lock = 1u << 4;
constexpr unsigned mutex_try_lock_failed = 1u << 5;

// A lock described by annotations: the real lock's behaviour on relocking is unknown (it may hang or
// fail), so a relock by its owner is reported without ending the program (as for an error-checking
// mutex), unless the flags say it is reentrant.
lock_flags annotated_lock(bool rwlock, bool reentrant) noexcept {
  lock_flags f;
  f.is_rwlock = rwlock;
  f.recursive = reentrant;
  f.errorcheck = true;
  return f;
}

// An annotated lock said to be taken exclusively while another thread holds it exclusively (both
// annotations say so: the acquisition comes after the real lock, the release before the real unlock):
// the lock does not exclude, or its annotations are wrong. A real lock cannot get there, so only
// annotated locks are checked. (ThreadSanitizer's "double lock of a mutex".)
void check_exclusive(thread_state *thr, sync_var *s, std::uintptr_t a) noexcept {
  const std::uint32_t owner = s ? s->owner.load(std::memory_order_relaxed) : 0;
  if (!owner || owner == thr->tid + 1 || s->recursion == 0) return;
  // An owner that no longer exists (it ended holding the lock, or it was another thread of the parent
  // of this fork child, where a library may reset its lock by hand) says nothing about this lock now.
  const thread_state *o = thread_by_tid(owner - 1);
  if (!o || o->status.load(std::memory_order_relaxed) != thread_status::running) return;
  stack_trace where;
  where.pcs[where.size++] = s->acquired_pc;
  try {
    misuse_report(thr, "double-lock", a, "exclusive lock, while another thread holds it exclusively, of", owner, where,
                  "acquired it");
  } catch (...) {
  }
}

void lock_acquired(const volatile void *m, lock_flags f, bool shared, bool check_relock, std::uintptr_t pc) noexcept {
  tracked_event([&](thread_state *thr) {
    const auto a = addr_of(m);
    // The relock check belongs before the real acquisition; where the annotation comes only after it,
    // the check runs now (a relock found then still is one).
    sync_var *s = mutex_pre_lock(thr, a, f, shared, check_relock ? acquire_mode::blocking : acquire_mode::try_, pc);
    if (!shared) check_exclusive(thr, s, a);
    mutex_post_lock(thr, s, a, shared, acquire_mode::blocking, pc);
  });
}

// `write_release`: whether the annotation says it releases an exclusive hold (-1: not said). A release
// in the other mode than the thread holds the lock is reported (ThreadSanitizer's "read unlock of a
// write locked mutex" and its converse); the release goes on as the hold's own.
void lock_released(const volatile void *m, lock_flags f, int write_release, std::uintptr_t pc) noexcept {
  tracked_event([&](thread_state *thr) {
    const auto a = addr_of(m);
    if (const held_lock *h = write_release >= 0 ? find_held(thr, a) : nullptr; h && h->shared == (write_release == 1)) {
      try {
        // (No hold in the mode released: unlock-not-locked, in that mode.)
        misuse_report(thr, "unlock-not-locked", a,
                      h->shared ? "exclusive unlock (it is held shared) of" : "shared unlock (it is held exclusively) of", 0,
                      stack_trace{}, nullptr);
      } catch (...) {
      }
    }
    mutex_post_unlock(thr, a, mutex_pre_unlock(thr, a, f, pc), 0);
  });
}

// The creation flags that decide whether a destroy annotation counts (as ThreadSanitizer decides):
// not for a lock created static (__tsan_mutex_linker_init, AnnotateRWLockCreateStatic), nor when the
// destroy says __tsan_mutex_not_static of a lock that was not created so. Few: kept in a small list.
struct creation_flags {
  spinlock mtx;
  static constexpr std::size_t capacity = 4096;
  std::uintptr_t addr[capacity];
  unsigned flags[capacity];
  std::size_t count;
};
creation_flags g_created;  // zero-initialized static storage

void note_creation(std::uintptr_t a, unsigned flags) noexcept {
  spin_guard g(g_created.mtx);
  for (std::size_t i = 0; i < g_created.count; ++i)
    if (g_created.addr[i] == a) {
      g_created.flags[i] = flags;
      return;
    }
  if (g_created.count == creation_flags::capacity) return;  // more are not remembered: destroys then count
  g_created.addr[g_created.count] = a;
  g_created.flags[g_created.count++] = flags;
}

// The flags `a` was created with (0 if unknown), forgetting them when `forget`.
unsigned created_with(std::uintptr_t a, bool forget) noexcept {
  spin_guard g(g_created.mtx);
  for (std::size_t i = 0; i < g_created.count; ++i)
    if (g_created.addr[i] == a) {
      const unsigned f = g_created.flags[i];
      if (forget) {
        g_created.addr[i] = g_created.addr[--g_created.count];
        g_created.flags[i] = g_created.flags[g_created.count];
      }
      return f;
    }
  return 0;
}

// A creation annotation registers the lock; it never resets one the runtime already knows (a static
// lock's creation may be annotated while it is held, and the annotation only names what exists).
void lock_created(const volatile void *m, lock_flags f, unsigned flags) noexcept {
  tracked_event([&](thread_state *thr) {
    const auto a = addr_of(m);
    if (flags & (mutex_linker_init | mutex_not_static)) note_creation(a, flags);
    if (!sync_find(a)) mutex_init(thr, a, f);
  });
}

void lock_destroyed(const volatile void *m, unsigned flags, std::uintptr_t pc) noexcept {
  tracked_event([&](thread_state *thr) {
    const auto a = addr_of(m);
    const unsigned created = created_with(a, false);
    if ((flags & mutex_linker_init) || (created & mutex_linker_init) ||
        ((flags & mutex_not_static) && !(created & mutex_not_static)))
      return;  // a static lock outlives the annotation
    created_with(a, true);
    mutex_pre_destroy(thr, a, pc);
    mutex_post_destroy(thr, a, 0);
  });
}

void happens_before(const volatile void *addr) noexcept {
  tracked_event([&](thread_state *thr) { address_release(thr, addr_of(addr), sync_kind::user); });
}
void happens_after(const volatile void *addr) noexcept {
  tracked_event([&](thread_state *thr) { address_acquire(thr, addr_of(addr)); });
}

// Unbalanced ends never make a counter negative (a later begin would then not ignore).
void ignore(int thread_state::*counter, int step) noexcept {
  if (thread_state *thr = cur_thread(); thr && (step > 0 || thr->*counter > 0)) thr->*counter += step;
}

// A custom mutex's own code, between __tsan_mutex_pre_<op> and post_<op> (outside a divert, where it
// calls the program's code): its memory accesses are not checked and its atomics order nothing; the
// annotations are the lock's events. This is the contract of ThreadSanitizer's interface, which the
// libraries that annotate this way (abseil, folly) are tested against: abseil's Mutex reads other
// threads' waiter records inside its unlock, ordered only by its own protocol (following its atomics
// instead gave false races in abseil's own tests: one record holds both the atomic's clock and the
// lock's, and an unlock's release, which is a store, drops what a waiter's atomic had released).
// Unbalanced annotations never make a counter negative.
void mutex_code(int step) noexcept {
  thread_state *thr = cur_thread();
  if (!thr) return;
  for (int thread_state::*counter : {&thread_state::ignore_reads, &thread_state::ignore_writes, &thread_state::ignore_sync})
    if (step > 0 || thr->*counter > 0) thr->*counter += step;
}
void enter_mutex_code() noexcept { mutex_code(1); }
void leave_mutex_code() noexcept { mutex_code(-1); }

}  // namespace

extern "C" {

void AnnotateHappensBefore(const char *, int, const volatile void *addr) { happens_before(addr); }
void AnnotateHappensAfter(const char *, int, const volatile void *addr) { happens_after(addr); }
void WTFAnnotateHappensBefore(const char *, int, const volatile void *addr) { happens_before(addr); }
void WTFAnnotateHappensAfter(const char *, int, const volatile void *addr) { happens_after(addr); }
void __tsan_release(void *addr) { happens_before(addr); }
void __tsan_acquire(void *addr) { happens_after(addr); }
void AnnotateCondVarSignal(const char *, int, const volatile void *cv) { happens_before(cv); }
void AnnotateCondVarSignalAll(const char *, int, const volatile void *cv) { happens_before(cv); }
void AnnotateCondVarWait(const char *, int, const volatile void *cv, const volatile void *) {
  happens_after(cv);
}

void AnnotateRWLockCreate(const char *, int, const volatile void *m) { lock_created(m, annotated_lock(true, false), 0); }
void AnnotateRWLockCreateStatic(const char *, int, const volatile void *m) {
  lock_created(m, annotated_lock(true, false), mutex_linker_init);
}
void AnnotateRWLockDestroy(const char *, int, const volatile void *m) {
  lock_destroyed(m, 0, LOCKSTEP_CALLER_PC);
}
void AnnotateRWLockAcquired(const char *, int, const volatile void *m, long is_w) {
  lock_acquired(m, annotated_lock(true, false), is_w == 0, true, LOCKSTEP_CALLER_PC);
}
void AnnotateRWLockReleased(const char *, int, const volatile void *m, long is_w) {
  lock_released(m, annotated_lock(true, false), is_w != 0, LOCKSTEP_CALLER_PC);
}

void __tsan_mutex_create(void *m, unsigned flags) {
  lock_created(m, annotated_lock(flags & mutex_read_lock, flags & mutex_write_reentrant), flags);
}
void __tsan_mutex_destroy(void *m, unsigned flags) { lock_destroyed(m, flags, LOCKSTEP_CALLER_PC); }
void __tsan_mutex_pre_lock(void *, unsigned) { enter_mutex_code(); }
void __tsan_mutex_post_lock(void *m, unsigned flags, int) {
  leave_mutex_code();
  if (flags & mutex_try_lock_failed) return;
  const bool shared = flags & mutex_read_lock;
  lock_acquired(m, annotated_lock(shared, flags & mutex_write_reentrant), shared, !(flags & mutex_try_lock),
                LOCKSTEP_CALLER_PC);
}
int __tsan_mutex_pre_unlock(void *m, unsigned flags) {
  // (The flags say read_lock for a shared release; an exclusive one may be a plain mutex's: not said.)
  lock_released(m, annotated_lock(flags & mutex_read_lock, flags & mutex_write_reentrant),
                flags & mutex_read_lock ? 0 : -1, LOCKSTEP_CALLER_PC);
  enter_mutex_code();
  return 0;
}
void __tsan_mutex_post_unlock(void *, unsigned) { leave_mutex_code(); }
void __tsan_mutex_pre_signal(void *, unsigned) { enter_mutex_code(); }
void __tsan_mutex_post_signal(void *, unsigned) { leave_mutex_code(); }
void __tsan_mutex_pre_divert(void *, unsigned) { leave_mutex_code(); }
void __tsan_mutex_post_divert(void *, unsigned) { enter_mutex_code(); }

void AnnotateBenignRaceSized(const char *, int, const volatile void *mem, std::size_t size, const char *) {
  shadow_benign_range(addr_of(mem), size);
}
void AnnotateBenignRace(const char *, int, const volatile void *mem, const char *) { shadow_benign_range(addr_of(mem), 1); }
void WTFAnnotateBenignRaceSized(const char *, int, const volatile void *mem, std::size_t size, const char *) {
  shadow_benign_range(addr_of(mem), size);
}
void AnnotateIgnoreReadsBegin(const char *, int) { ignore(&thread_state::ignore_reads, 1); }
void AnnotateIgnoreReadsEnd(const char *, int) { ignore(&thread_state::ignore_reads, -1); }
void AnnotateIgnoreWritesBegin(const char *, int) { ignore(&thread_state::ignore_writes, 1); }
void AnnotateIgnoreWritesEnd(const char *, int) { ignore(&thread_state::ignore_writes, -1); }
void AnnotateNewMemory(const char *, int, const volatile void *mem, std::size_t size) { lockstep_forget_range(mem, size); }
void AnnotateThreadName(const char *, int, const char *name) { lockstep_name_current_thread(name); }

// Accepted, without effect here.
void AnnotateIgnoreSyncBegin(const char *, int) { ignore(&thread_state::ignore_sync_annotated, 1); }
void AnnotateIgnoreSyncEnd(const char *, int) { ignore(&thread_state::ignore_sync_annotated, -1); }
void AnnotateMutexIsNotPHB(const char *, int, const volatile void *) {}
void AnnotateMutexIsUsedAsCondVar(const char *, int, const volatile void *) {}
void AnnotateExpectRace(const char *, int, const volatile void *, const char *) {}
void AnnotateFlushExpectedRaces(const char *, int) {}
void AnnotateEnableRaceDetection(const char *, int, int) {}
void AnnotatePublishMemoryRange(const char *, int, const volatile void *, std::size_t) {}
void AnnotateUnpublishMemoryRange(const char *, int, const volatile void *, std::size_t) {}
void AnnotatePCQCreate(const char *, int, const volatile void *) {}
void AnnotatePCQDestroy(const char *, int, const volatile void *) {}
void AnnotatePCQPut(const char *, int, const volatile void *) {}
void AnnotatePCQGet(const char *, int, const volatile void *) {}
void AnnotateTraceMemory(const char *, int, const volatile void *) {}
void AnnotateFlushState(const char *, int) {}
void AnnotateNoOp(const char *, int, const volatile void *) {}
void AnnotateMemoryIsInitialized(const char *, int, const volatile void *, std::size_t) {}
void AnnotateMemoryIsUninitialized(const char *, int, const volatile void *, std::size_t) {}
int RunningOnValgrind() { return 0; }
double ValgrindSlowdown() { return 1.0; }
const char *ThreadSanitizerQuery(const char *) { return "0"; }

}  // extern "C"
