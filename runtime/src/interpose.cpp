// Interposed pthread, POSIX semaphore and C++ ABI functions: how unmodified std::mutex,
// std::shared_mutex, std::condition_variable, std::thread, std::call_once, function-local statics,
// sem_t and pthread_barrier_t reach the runtime.
//
// Each wrapper: find the calling thread (untracked and forwarded when it is already inside the
// runtime, rtl.hpp rule 3), run the "before" event, call the real function found with
// dlsym(RTLD_NEXT) (dlvsym for the condition variables, whose default version must be GLIBC_2.3.2),
// run the "after" event. Blocking calls try first, then wait in timed slices of deadlock_check_ms
// so a thread that stays blocked is checked for a real deadlock; the uncontended path pays nothing
// for it.
#include <dlfcn.h>
#include <sys/mman.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <cstdarg>
#include <cstdint>

#include "next_definition.hpp"
#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

// A lazily resolved pointer to the next definition of `name` (usually glibc's or libstdc++'s).
#define LOCKSTEP_REAL(ret, name, version, ...)                                                     \
  using name##_t = ret (*)(__VA_ARGS__);                                                           \
  std::atomic<name##_t> name##_p{nullptr};                                                         \
  inline name##_t real_##name() noexcept {                                                         \
    name##_t p = name##_p.load(std::memory_order_acquire);                                         \
    if (__builtin_expect(p == nullptr, 0)) {                                                       \
      p = reinterpret_cast<name##_t>(resolve_next(#name, version));                                \
      name##_p.store(p, std::memory_order_release);                                                \
    }                                                                                              \
    return p;                                                                                      \
  }

LOCKSTEP_REAL(int, pthread_mutex_init, nullptr, pthread_mutex_t *, const pthread_mutexattr_t *)
LOCKSTEP_REAL(int, pthread_mutex_destroy, nullptr, pthread_mutex_t *)
LOCKSTEP_REAL(int, pthread_mutex_lock, nullptr, pthread_mutex_t *)
LOCKSTEP_REAL(int, pthread_mutex_trylock, nullptr, pthread_mutex_t *)
LOCKSTEP_REAL(int, pthread_mutex_timedlock, nullptr, pthread_mutex_t *, const timespec *)
LOCKSTEP_REAL(int, pthread_mutex_clocklock, nullptr, pthread_mutex_t *, clockid_t, const timespec *)
LOCKSTEP_REAL(int, pthread_mutex_unlock, nullptr, pthread_mutex_t *)
LOCKSTEP_REAL(int, pthread_rwlock_init, nullptr, pthread_rwlock_t *, const pthread_rwlockattr_t *)
LOCKSTEP_REAL(int, pthread_rwlock_destroy, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_rwlock_rdlock, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_rwlock_tryrdlock, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_rwlock_timedrdlock, nullptr, pthread_rwlock_t *, const timespec *)
LOCKSTEP_REAL(int, pthread_rwlock_clockrdlock, nullptr, pthread_rwlock_t *, clockid_t, const timespec *)
LOCKSTEP_REAL(int, pthread_rwlock_wrlock, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_rwlock_trywrlock, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_rwlock_timedwrlock, nullptr, pthread_rwlock_t *, const timespec *)
LOCKSTEP_REAL(int, pthread_rwlock_clockwrlock, nullptr, pthread_rwlock_t *, clockid_t, const timespec *)
LOCKSTEP_REAL(int, pthread_rwlock_unlock, nullptr, pthread_rwlock_t *)
LOCKSTEP_REAL(int, pthread_spin_init, nullptr, pthread_spinlock_t *, int)
LOCKSTEP_REAL(int, pthread_spin_destroy, nullptr, pthread_spinlock_t *)
LOCKSTEP_REAL(int, pthread_spin_lock, nullptr, pthread_spinlock_t *)
LOCKSTEP_REAL(int, pthread_spin_trylock, nullptr, pthread_spinlock_t *)
LOCKSTEP_REAL(int, pthread_spin_unlock, nullptr, pthread_spinlock_t *)
LOCKSTEP_REAL(int, pthread_cond_init, "GLIBC_2.3.2", pthread_cond_t *, const pthread_condattr_t *)
LOCKSTEP_REAL(int, pthread_cond_destroy, "GLIBC_2.3.2", pthread_cond_t *)
LOCKSTEP_REAL(int, pthread_cond_wait, "GLIBC_2.3.2", pthread_cond_t *, pthread_mutex_t *)
LOCKSTEP_REAL(int, pthread_cond_timedwait, "GLIBC_2.3.2", pthread_cond_t *, pthread_mutex_t *, const timespec *)
LOCKSTEP_REAL(int, pthread_cond_clockwait, nullptr, pthread_cond_t *, pthread_mutex_t *, clockid_t,
              const timespec *)
LOCKSTEP_REAL(int, pthread_cond_signal, "GLIBC_2.3.2", pthread_cond_t *)
LOCKSTEP_REAL(int, pthread_cond_broadcast, "GLIBC_2.3.2", pthread_cond_t *)
LOCKSTEP_REAL(int, pthread_create, nullptr, pthread_t *, const pthread_attr_t *, void *(*)(void *), void *)
LOCKSTEP_REAL(int, pthread_join, nullptr, pthread_t, void **)
LOCKSTEP_REAL(int, pthread_tryjoin_np, nullptr, pthread_t, void **)
LOCKSTEP_REAL(int, pthread_timedjoin_np, nullptr, pthread_t, void **, const timespec *)
LOCKSTEP_REAL(int, pthread_clockjoin_np, nullptr, pthread_t, void **, clockid_t, const timespec *)
LOCKSTEP_REAL(int, pthread_detach, nullptr, pthread_t)
LOCKSTEP_REAL(int, pthread_once, nullptr, ::pthread_once_t *, void (*)())
LOCKSTEP_REAL(int, pthread_setcanceltype, nullptr, int, int *)
LOCKSTEP_REAL(int, pthread_setname_np, nullptr, pthread_t, const char *)
LOCKSTEP_REAL(int, pthread_barrier_init, nullptr, pthread_barrier_t *, const pthread_barrierattr_t *, unsigned)
LOCKSTEP_REAL(int, pthread_barrier_destroy, nullptr, pthread_barrier_t *)
LOCKSTEP_REAL(int, pthread_barrier_wait, nullptr, pthread_barrier_t *)
LOCKSTEP_REAL(int, sem_init, nullptr, sem_t *, int, unsigned)
LOCKSTEP_REAL(int, sem_destroy, nullptr, sem_t *)
LOCKSTEP_REAL(int, sem_wait, nullptr, sem_t *)
LOCKSTEP_REAL(int, sem_trywait, nullptr, sem_t *)
LOCKSTEP_REAL(int, sem_timedwait, nullptr, sem_t *, const timespec *)
LOCKSTEP_REAL(int, sem_clockwait, nullptr, sem_t *, clockid_t, const timespec *)
LOCKSTEP_REAL(int, sem_post, nullptr, sem_t *)
LOCKSTEP_REAL(int, munmap, nullptr, void *, std::size_t)
LOCKSTEP_REAL(void *, mmap, nullptr, void *, std::size_t, int, int, int, off_t)
LOCKSTEP_REAL(int, mprotect, nullptr, void *, std::size_t, int)
LOCKSTEP_REAL(void *, mremap, nullptr, void *, std::size_t, std::size_t, int, void *)

#undef LOCKSTEP_REAL

// ---- the heap: free and realloc forget runtime state in the released block -----------------------
// Resolved like the others, except that dlsym may itself free memory: while the resolution runs,
// glibc's own entry points serve (they are the next definitions unless another allocator is linked).
extern "C" void __libc_free(void *);
extern "C" void *__libc_realloc(void *, std::size_t);
using free_t = void (*)(void *);
using realloc_t = void *(*)(void *, std::size_t);
using usable_t = std::size_t (*)(void *);
std::atomic<free_t> g_free{nullptr};
std::atomic<realloc_t> g_realloc{nullptr};
std::atomic<usable_t> g_usable{nullptr};
std::atomic<bool> g_heap_resolving{false};

bool resolve_heap() noexcept {
  if (g_usable.load(std::memory_order_acquire)) return true;
  if (g_heap_resolving.exchange(true)) return false;  // re-entered from dlsym: use glibc's
  auto f = reinterpret_cast<free_t>(dlsym(RTLD_NEXT, "free"));
  auto r = reinterpret_cast<realloc_t>(dlsym(RTLD_NEXT, "realloc"));
  auto u = reinterpret_cast<usable_t>(dlsym(RTLD_NEXT, "malloc_usable_size"));
  g_free.store(f ? f : __libc_free, std::memory_order_release);
  g_realloc.store(r ? r : __libc_realloc, std::memory_order_release);
  g_usable.store(u, std::memory_order_release);
  g_heap_resolving.store(false);
  return u != nullptr;
}

// Forgets sync records and shadow in the block about to be released. Skipped inside the runtime:
// its own heap blocks (report strings, graph storage) hold no user state, and forgetting could
// need locks the runtime holds at that point.
// In a process with instrumented code a free is also a write of the whole block (`pc`: the caller
// of free), so that an access another thread made to it without ordering is reported.
void forget_block(void *p, std::uintptr_t pc = 0) noexcept {
  if (!p) return;
  thread_state *t = cur_thread_if_any();
  if (t && t->in_rt) return;
  if (!resolve_heap()) return;
  const std::size_t n = g_usable.load(std::memory_order_relaxed)(p);
  const bool shadow_forgotten = pc && t && !t->ignore_accesses && t->ignore_writes <= 0 && instrumented_process() &&
                                instrumented_free(t, addr_of(p), n, pc);
  if (t) ++t->in_rt;
  forget_heap_range(addr_of(p), n, !shadow_forgotten);
  if (t) --t->in_rt;
}

// The calling thread when its events are to be tracked; null to forward untracked.
inline thread_state *entry() noexcept {
  thread_state *t = cur_thread();
  return (t && t->in_rt == 0) ? t : nullptr;
}

// The memory of a synchronization object itself, in a process with instrumented code (see
// checked_sync_object): written where the object is made or destroyed, read where it is used. Before
// any rt_scope, which would hide the access.
inline void object_written(const volatile void *obj, std::uintptr_t pc) noexcept { checked_sync_object(obj, true, pc); }
inline void object_used(const volatile void *obj, std::uintptr_t pc) noexcept { checked_sync_object(obj, false, pc); }


lock_flags mutex_flags(const pthread_mutex_t *m) noexcept {
  // glibc keeps the type in __kind (PTHREAD_MUTEX_KIND_MASK_NP = 3 selects it from robust/PI bits).
  const int kind = m->__data.__kind & 3;
  lock_flags f;
  f.recursive = kind == PTHREAD_MUTEX_RECURSIVE_NP;
  f.errorcheck = kind == PTHREAD_MUTEX_ERRORCHECK_NP;
  // glibc's PTHREAD_MUTEX_ROBUST_NORMAL_NP bit of __kind (not in the public headers).
  constexpr int robust_bit = 16;
  f.robust = (m->__data.__kind & robust_bit) != 0;
  return f;
}

lock_flags rwlock_flags() noexcept {
  lock_flags f;
  f.is_rwlock = true;
  return f;
}

lock_flags spin_flags() noexcept {
  lock_flags f;
  f.is_spin = true;
  return f;
}

timespec deadline_in(int ms) noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_nsec -= 1000000000L;
    ++ts.tv_sec;
  }
  return ts;
}

// Asynchronous cancellation acts at any instruction: inside the runtime it would leave a spinlock
// held or a record half-updated for ever (and unwind through frames that may not be unwound). A
// thread that enabled it (pthread_setcanceltype is interposed to know) runs the runtime's work with
// cancellation deferred, and switches back at the end, where a request that arrived meanwhile acts
// with the runtime's state complete; a thread blocked in a lock opens a window between its waits.
__thread bool t_cancel_deferred = false;  // inside with_async_cancel_deferred, which deferred it

template <class Body> int with_async_cancel_deferred(Body body) {
  thread_state *t = cur_thread_if_any();
  if (__builtin_expect(t == nullptr || !t->async_cancel, 1)) return body();
  int old = PTHREAD_CANCEL_DEFERRED;
  real_pthread_setcanceltype()(PTHREAD_CANCEL_DEFERRED, &old);
  const bool outer = t_cancel_deferred;
  t_cancel_deferred = old == PTHREAD_CANCEL_ASYNCHRONOUS;
  const int r = body();
  t_cancel_deferred = outer;
  if (old == PTHREAD_CANCEL_ASYNCHRONOUS) real_pthread_setcanceltype()(PTHREAD_CANCEL_ASYNCHRONOUS, nullptr);
  return r;
}

// Called by a blocked lock between two waits, when it has acquired and recorded nothing: a
// cancellation requested meanwhile acts here (it unwinds through the waiting frames, none of them
// noexcept; the thread's exit drops its wait-for registration), so a thread blocked in a lock with
// asynchronous cancellation is still cancelled, one wait slice late at most.
void cancellation_window() {
  if (__builtin_expect(!t_cancel_deferred, 1)) return;
  real_pthread_setcanceltype()(PTHREAD_CANCEL_ASYNCHRONOUS, nullptr);
  real_pthread_setcanceltype()(PTHREAD_CANCEL_DEFERRED, nullptr);
}

// Waits for a contended lock in slices; after each slice that timed out, the wait-for graph is
// checked (which reports and exits on a confirmed deadlock). `timed(deadline)` is the real clock
// variant, `plain()` the real blocking call used when detection is off or the clock variant is
// unsupported for this object (EINVAL, e.g. some priority-inheritance mutexes).
template <class Timed, class Plain>
int wait_in_slices(thread_state *thr, std::uintptr_t what, wait_kind kind, std::uint32_t target_tid, Timed timed,
                   Plain plain) {  // not noexcept: a cancellation may unwind from cancellation_window
  const int ms = deadlock_check_interval_ms();
  if (ms <= 0) return plain();
  int r;
  for (;;) {
    const timespec dl = deadline_in(ms);
    r = timed(&dl);
    if (r != ETIMEDOUT) break;
    cancellation_window();
    deadlock_on_long_block(thr, what, kind, target_tid);
  }
  deadlock_on_unblock(thr);
  if (r == EINVAL) r = plain();
  return r;
}

// A lock found busy is usually about to be released: the runtime's bookkeeping inside critical
// sections makes them longer, so a second thread finds the lock taken far more often than
// without us, and each futex sleep and wake-up costs both threads microseconds of system time.
// Retries `try_again` (the real try-lock) 16 times, 4 pauses apart (about 2 us where a pause takes
// 25 ns, as on the benchmark machine), before the caller blocks; returns its last result. Only
// rwlocks spin for now: readers_writers measured 0.55-0.6 of TSan's slowdown without it, 0.24-0.26
// with it (tools/bench/RESULTS.md); plain mutexes already meet the target.
template <class Try> int spin_before_blocking(Try try_again) noexcept {
  constexpr int tries = 16;
  int r = EBUSY;
  for (int i = 0; i < tries && r == EBUSY; ++i) {
    for (int p = 0; p < 4; ++p) cpu_relax();
    r = try_again();
  }
  return r;
}

// A spinlock found busy: spins on the real try-lock (yielding, so a holder preempted on a busy
// core gets to run) and, as wait_in_slices does for the calls that have a timed variant, checks
// the wait-for graph after each deadlock_check_ms spent waiting.
int spin_wait(thread_state *thr, pthread_spinlock_t *l) {  // not noexcept, as wait_in_slices
  const int ms = deadlock_check_interval_ms();
  if (ms <= 0) return real_pthread_spin_lock()(l);
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  bool registered = false;
  int r;
  for (unsigned spins = 0;; ++spins) {
    if (spins < 64) {
      cpu_relax();
    } else {
      sched_yield();
    }
    r = real_pthread_spin_trylock()(l);
    if (r != EBUSY) break;
    if ((spins & 63) != 63) continue;
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= ms) {
      cancellation_window();
      deadlock_on_long_block(thr, addr_of(l), wait_kind::mutex, 0);  // reports and exits on a confirmed cycle
      registered = true;
      start = now;
    }
  }
  if (registered) deadlock_on_unblock(thr);
  return r;
}


// pthread_once's init routine takes no argument: the wrapper passes it through thread-locals.
__thread void (*t_once_fn)() = nullptr;
__thread std::uintptr_t t_once_addr = 0;
__thread bool t_once_ran = false;

void once_trampoline() {
  void (*fn)() = t_once_fn;
  const std::uintptr_t addr = t_once_addr;
  fn();
  t_once_ran = true;
  // Everything the init routine did happens before every pthread_once that sees it done.
  if (thread_state *thr = entry()) {
    rt_scope sc(thr);
    address_release(thr, addr, sync_kind::once);
  }
}

struct once_context_saver {
  void (*fn)() = t_once_fn;
  std::uintptr_t addr = t_once_addr;
  bool ran = t_once_ran;
  ~once_context_saver() {
    t_once_fn = fn;
    t_once_addr = addr;
    t_once_ran = ran;
  }
};

// The real acquisition call for a mode (no tracking).
int rw_lock_real(pthread_rwlock_t *l, bool shared, acquire_mode mode, const timespec *abstime, clockid_t clock,
                 bool clock_given) {
  switch (mode) {
  case acquire_mode::try_:
    return shared ? real_pthread_rwlock_tryrdlock()(l) : real_pthread_rwlock_trywrlock()(l);
  case acquire_mode::timed:
    if (clock_given)
      return shared ? real_pthread_rwlock_clockrdlock()(l, clock, abstime)
                    : real_pthread_rwlock_clockwrlock()(l, clock, abstime);
    return shared ? real_pthread_rwlock_timedrdlock()(l, abstime) : real_pthread_rwlock_timedwrlock()(l, abstime);
  default:
    return shared ? real_pthread_rwlock_rdlock()(l) : real_pthread_rwlock_wrlock()(l);
  }
}

int rw_lock(pthread_rwlock_t *l, bool shared, acquire_mode mode, const timespec *abstime, clockid_t clock,
                   bool clock_given, std::uintptr_t pc) {
  thread_state *thr = entry();
  if (!thr) return rw_lock_real(l, shared, mode, abstime, clock, clock_given);
  object_used(l, pc);
  rt_scope sc(thr);
  sync_var *s = mutex_pre_lock(thr, addr_of(l), rwlock_flags(), shared, mode, pc);
  int r;
  if (mode == acquire_mode::blocking) {
    auto try_again = [l, shared] {
      return shared ? real_pthread_rwlock_tryrdlock()(l) : real_pthread_rwlock_trywrlock()(l);
    };
    r = try_again();
    if (r == EBUSY) r = spin_before_blocking(try_again);
    if (r == EBUSY)
      r = wait_in_slices(
          thr, addr_of(l), shared ? wait_kind::rwlock_read : wait_kind::rwlock_write, 0,
          [l, shared](const timespec *dl) {
            return shared ? real_pthread_rwlock_clockrdlock()(l, CLOCK_MONOTONIC, dl)
                          : real_pthread_rwlock_clockwrlock()(l, CLOCK_MONOTONIC, dl);
          },
          [l, shared] { return rw_lock_real(l, shared, acquire_mode::blocking, nullptr, 0, false); });
  } else {
    r = rw_lock_real(l, shared, mode, abstime, clock, clock_given);
  }
  if (r == 0) mutex_post_lock(thr, s, addr_of(l), shared, mode, pc);
  return r;
}

// A wait is a cancellation point: glibc retakes the mutex and unwinds the waiter, whose cleanup
// handlers usually unlock it. The forced unwinding runs this destructor first (it sits in an inner
// frame), so the runtime records the wakeup and the re-acquisition before those handlers run.
struct cond_wait_cancel_guard {
  thread_state *thr;
  std::uintptr_t cv;
  sync_var *mutex;
  std::uintptr_t pc;
  bool returned = false;
  ~cond_wait_cancel_guard() {
    if (!returned) cond_post_wait(thr, cv, mutex, pc);
  }
};

// A process-shared condition variable (or mutex) may be notified by another process, which the
// runtime cannot see: its waits are never deadlocks. glibc keeps the condition variable's
// process-shared attribute in bit 0 of __wrefs, and the mutex's in PTHREAD_MUTEX_PSHARED_BIT (128) of
// __kind; the object carries them, so they are right even in a process that never saw its init.
bool process_shared(const pthread_cond_t *c, const pthread_mutex_t *m) noexcept {
  return (__atomic_load_n(&c->__data.__wrefs, __ATOMIC_RELAXED) & 1) != 0 || (m->__data.__kind & 128) != 0;
}

// `untimed`: pthread_cond_wait, which only a notification ends; its thread is watched for deadlock
// by the watchdog while it sleeps in the real wait, which the runtime never touches (no slices: a
// timed slice would retake the mutex between two waits, where the program could see it held, and a
// notification sent then would be lost, or the wait would return early to a caller without a
// predicate loop).
template <class Wait>
int cond_wait_common(pthread_cond_t *c, pthread_mutex_t *m, std::uintptr_t pc, bool untimed, Wait wait) {
  thread_state *thr = entry();
  if (!thr) return wait();
  object_used(c, pc);
  rt_scope sc(thr);
  sync_var *ms = cond_pre_wait(thr, addr_of(c), addr_of(m), pc, untimed && !process_shared(c, m));
  cond_wait_cancel_guard cancelled{thr, addr_of(c), ms, pc};
  const int r = wait();
  cancelled.returned = true;
  cond_post_wait(thr, addr_of(c), ms, pc);
  return r;
}

template <class Join> int join_common(pthread_t th, bool blocking, Join join) {
  thread_state *thr = entry();
  if (!thr) return join(nullptr);
  rt_scope sc(thr);
  thread_state *target = thread_claim_for_join(th);
  int r;
  if (blocking && target && target != thr) {
    r = wait_in_slices(
        thr, 0, wait_kind::join, target->tid + 1,
        [&join](const timespec *dl) { return join(dl); }, [&join] { return join(nullptr); });
  } else {
    r = join(nullptr);
  }
  if (r == 0 && target)
    thread_after_join(thr, target);
  else
    thread_unclaim(target);
  return r;
}

// A wait that succeeded took a permit: it is ordered after every release so far. A failed one
// (EAGAIN, ETIMEDOUT, EINTR, EINVAL) takes nothing and orders nothing.
template <class Wait> int sem_wait_common(sem_t *sem, Wait wait) {
  thread_state *thr = entry();
  if (!thr) return wait();
  rt_scope sc(thr);
  const int r = wait();
  if (r == 0) {
    const int err = errno;
    semaphore_acquire(thr, addr_of(sem));
    errno = err;
  }
  return r;
}

}  // namespace

extern "C" {

// ---- heap --------------------------------------------------------------------------------------------

void free(void *p) {
  forget_block(p, LOCKSTEP_CALLER_PC);
  free_t f = g_free.load(std::memory_order_acquire);
  (f ? f : __libc_free)(p);
}

void *realloc(void *p, std::size_t n) {
  // The block may move (and its old address be reused): forget its state first. If it grows in
  // place the history is lost, which can only hide a race, never invent one.
  forget_block(p);
  realloc_t r = g_realloc.load(std::memory_order_acquire);
  return (r ? r : __libc_realloc)(p, n);
}

// ---- mappings: memory unmapped (or mapped over) is forgotten, like freed heap blocks ------------------
// A new mapping at an old one's address is fresh memory: its accesses must not meet the old
// mapping's history. (The runtime's own mappings do not come here: it unmaps with the system call.)
// Forgotten before the real call: once it returns another thread may map the same addresses. The
// walk is page by page over the runtime's page table, so a range the kernel would refuse (unaligned,
// empty, past the end of the address space) or beyond 4 GiB (a reservation of address space, hardly
// ever written through) is not walked.
constexpr std::size_t max_forgotten_mapping = std::size_t{1} << 32;
constexpr std::uintptr_t user_space_end = std::uintptr_t{1} << 47;

constexpr std::size_t page_bytes = 4096;
inline std::size_t whole_pages(std::size_t n) noexcept { return (n + page_bytes - 1) & ~(page_bytes - 1); }

// What a change of the mappings does to the runtime's state: a range unmapped or replaced loses it all
// (read-only marks too); a fresh mapping that cannot be written is marked read-only, and unmarked when
// made writable (instrumented code only: see instrumented_shadow.hpp). Lengths count whole pages, as
// the kernel's do.
enum class mapping_change { forget, mark_readonly, unmark_readonly };

void change_mapping(void *addr, std::size_t len, mapping_change what) noexcept {
  const std::uintptr_t a = addr_of(addr);
  if (!a || (a & (page_bytes - 1)) || !len || len > max_forgotten_mapping || a >= user_space_end ||
      len > user_space_end - a)
    return;
  len = whole_pages(len);
  if (what != mapping_change::forget && !instrumented_process()) return;
  thread_state *t = cur_thread_if_any();
  if (t && t->in_rt) return;
  if (t) ++t->in_rt;
  instrumented_mark_readonly(a, len, what == mapping_change::mark_readonly);
  if (what == mapping_change::forget) forget_heap_range(a, len);
  if (t) --t->in_rt;
}

int munmap(void *addr, std::size_t len) {
  change_mapping(addr, len, mapping_change::forget);
  return real_munmap()(addr, len);
}

void *mmap(void *addr, std::size_t len, int prot, int flags, int fd, off_t offset) {
  if (flags & MAP_FIXED) change_mapping(addr, len, mapping_change::forget);  // replaces whatever was mapped there
  void *p = real_mmap()(addr, len, prot, flags, fd, offset);
  // Readable, never writable while so mapped (PROT_NONE is a reservation, made writable later).
  if (p != MAP_FAILED && (prot & PROT_READ) && !(prot & PROT_WRITE))
    change_mapping(p, len, mapping_change::mark_readonly);
  return p;
}

// Made writable: checked again from now on (before the call: no write can come before it).
int mprotect(void *addr, std::size_t len, int prot) {
  if (prot & PROT_WRITE) change_mapping(addr, len, mapping_change::unmark_readonly);
  return real_mprotect()(addr, len, prot);
}

// A fixed destination is replaced; a moved mapping's old range, or the tail a shrink gives back, is
// forgotten once the call succeeded (in place, the objects in the mapping live on). The new range is
// not marked read-only even if it is (a miss at worst).
void *mremap(void *old, std::size_t old_len, std::size_t new_len, int flags, ...) {
  void *to = nullptr;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    to = va_arg(ap, void *);
    va_end(ap);
    change_mapping(to, new_len, mapping_change::forget);
  }
  void *p = real_mremap()(old, old_len, new_len, flags, to);
  const std::size_t len = whole_pages(old_len), kept = whole_pages(new_len);
  if (p != MAP_FAILED && p != old)
    change_mapping(old, len, mapping_change::forget);
  else if (p == old && kept < len)
    change_mapping(static_cast<char *>(old) + kept, len - kept, mapping_change::forget);
  return p;
}

// ---- mutexes ----------------------------------------------------------------------------------------

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
  object_written(m, addr_of(__builtin_return_address(0)));
  const int r = real_pthread_mutex_init()(m, a);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      mutex_init(thr, addr_of(m), mutex_flags(m));
    }
  }
  return r;
}

int pthread_mutex_destroy(pthread_mutex_t *m) {
  object_written(m, addr_of(__builtin_return_address(0)));
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_destroy()(m);
  rt_scope sc(thr);
  mutex_pre_destroy(thr, addr_of(m), addr_of(__builtin_return_address(0)));
  const int r = real_pthread_mutex_destroy()(m);
  mutex_post_destroy(thr, addr_of(m), r);
  return r;
}

static int body_pthread_mutex_lock(pthread_mutex_t *m, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_lock()(m);
  object_used(m, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  const lock_flags f = mutex_flags(m);
  sync_var *s = mutex_pre_lock(thr, addr_of(m), f, false, acquire_mode::blocking, pc);
  int r = real_pthread_mutex_trylock()(m);
  if (r == EBUSY)
    r = wait_in_slices(
        thr, addr_of(m), wait_kind::mutex, 0, [m](const timespec *dl) { return real_pthread_mutex_clocklock()(m, CLOCK_MONOTONIC, dl); },
        [m] { return real_pthread_mutex_lock()(m); });
  if (r == 0 || r == EOWNERDEAD) mutex_post_lock(thr, s, addr_of(m), false, acquire_mode::blocking, pc);
  return r;
}

static int body_pthread_mutex_trylock(pthread_mutex_t *m, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_trylock()(m);
  object_used(m, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  sync_var *s = mutex_pre_lock(thr, addr_of(m), mutex_flags(m), false, acquire_mode::try_, pc);
  const int r = real_pthread_mutex_trylock()(m);
  if (r == 0 || r == EOWNERDEAD) mutex_post_lock(thr, s, addr_of(m), false, acquire_mode::try_, pc);
  return r;
}

static int body_pthread_mutex_timedlock(pthread_mutex_t *m, const timespec *abstime, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_timedlock()(m, abstime);
  object_used(m, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  sync_var *s = mutex_pre_lock(thr, addr_of(m), mutex_flags(m), false, acquire_mode::timed, pc);
  const int r = real_pthread_mutex_timedlock()(m, abstime);
  if (r == 0 || r == EOWNERDEAD) mutex_post_lock(thr, s, addr_of(m), false, acquire_mode::timed, pc);
  return r;
}

static int body_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock, const timespec *abstime, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_clocklock()(m, clock, abstime);
  object_used(m, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  sync_var *s = mutex_pre_lock(thr, addr_of(m), mutex_flags(m), false, acquire_mode::timed, pc);
  const int r = real_pthread_mutex_clocklock()(m, clock, abstime);
  if (r == 0 || r == EOWNERDEAD) mutex_post_lock(thr, s, addr_of(m), false, acquire_mode::timed, pc);
  return r;
}

static int body_pthread_mutex_unlock(pthread_mutex_t *m, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_mutex_unlock()(m);
  object_used(m, caller);
  rt_scope sc(thr);
  const unlock_effect e = mutex_pre_unlock(thr, addr_of(m), mutex_flags(m), caller);
  const int r = real_pthread_mutex_unlock()(m);
  mutex_post_unlock(thr, addr_of(m), e, r);
  return r;
}

// ---- reader/writer locks ------------------------------------------------------------------------------

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a) {
  object_written(l, addr_of(__builtin_return_address(0)));
  const int r = real_pthread_rwlock_init()(l, a);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      mutex_init(thr, addr_of(l), rwlock_flags());
    }
  }
  return r;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l) {
  object_written(l, addr_of(__builtin_return_address(0)));
  thread_state *thr = entry();
  if (!thr) return real_pthread_rwlock_destroy()(l);
  rt_scope sc(thr);
  mutex_pre_destroy(thr, addr_of(l), addr_of(__builtin_return_address(0)));
  const int r = real_pthread_rwlock_destroy()(l);
  mutex_post_destroy(thr, addr_of(l), r);
  return r;
}

static int body_pthread_rwlock_rdlock(pthread_rwlock_t *l, std::uintptr_t caller) {
  return rw_lock(l, true, acquire_mode::blocking, nullptr, 0, false, caller);
}
static int body_pthread_rwlock_tryrdlock(pthread_rwlock_t *l, std::uintptr_t caller) {
  return rw_lock(l, true, acquire_mode::try_, nullptr, 0, false, caller);
}
static int body_pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const timespec *t, std::uintptr_t caller) {
  return rw_lock(l, true, acquire_mode::timed, t, 0, false, caller);
}
static int body_pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c, const timespec *t, std::uintptr_t caller) {
  return rw_lock(l, true, acquire_mode::timed, t, c, true, caller);
}
static int body_pthread_rwlock_wrlock(pthread_rwlock_t *l, std::uintptr_t caller) {
  return rw_lock(l, false, acquire_mode::blocking, nullptr, 0, false, caller);
}
static int body_pthread_rwlock_trywrlock(pthread_rwlock_t *l, std::uintptr_t caller) {
  return rw_lock(l, false, acquire_mode::try_, nullptr, 0, false, caller);
}
static int body_pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const timespec *t, std::uintptr_t caller) {
  return rw_lock(l, false, acquire_mode::timed, t, 0, false, caller);
}
static int body_pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c, const timespec *t, std::uintptr_t caller) {
  return rw_lock(l, false, acquire_mode::timed, t, c, true, caller);
}

static int body_pthread_rwlock_unlock(pthread_rwlock_t *l, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_rwlock_unlock()(l);
  object_used(l, caller);
  rt_scope sc(thr);
  const unlock_effect e = mutex_pre_unlock(thr, addr_of(l), rwlock_flags(), caller);
  const int r = real_pthread_rwlock_unlock()(l);
  mutex_post_unlock(thr, addr_of(l), e, r);
  return r;
}

// ---- spinlocks: exclusive locks like a normal mutex (a relock spins for ever, any thread may unlock) ----

int pthread_spin_init(pthread_spinlock_t *l, int pshared) {
  object_written(l, addr_of(__builtin_return_address(0)));
  const int r = real_pthread_spin_init()(l, pshared);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      mutex_init(thr, addr_of(l), spin_flags());
    }
  }
  return r;
}

int pthread_spin_destroy(pthread_spinlock_t *l) {
  object_written(l, addr_of(__builtin_return_address(0)));
  thread_state *thr = entry();
  if (!thr) return real_pthread_spin_destroy()(l);
  rt_scope sc(thr);
  mutex_pre_destroy(thr, addr_of(l), addr_of(__builtin_return_address(0)));
  const int r = real_pthread_spin_destroy()(l);
  mutex_post_destroy(thr, addr_of(l), r);
  return r;
}

static int body_pthread_spin_lock(pthread_spinlock_t *l, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_spin_lock()(l);
  object_used(l, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  sync_var *s = mutex_pre_lock(thr, addr_of(l), spin_flags(), false, acquire_mode::blocking, pc);
  int r = real_pthread_spin_trylock()(l);
  if (r == EBUSY) r = spin_wait(thr, l);
  if (r == 0) mutex_post_lock(thr, s, addr_of(l), false, acquire_mode::blocking, pc);
  return r;
}

static int body_pthread_spin_trylock(pthread_spinlock_t *l, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_spin_trylock()(l);
  object_used(l, caller);
  rt_scope sc(thr);
  const std::uintptr_t pc = caller;
  sync_var *s = mutex_pre_lock(thr, addr_of(l), spin_flags(), false, acquire_mode::try_, pc);
  const int r = real_pthread_spin_trylock()(l);
  if (r == 0) mutex_post_lock(thr, s, addr_of(l), false, acquire_mode::try_, pc);
  return r;
}

static int body_pthread_spin_unlock(pthread_spinlock_t *l, std::uintptr_t caller) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_spin_unlock()(l);
  object_used(l, caller);
  rt_scope sc(thr);
  const unlock_effect e = mutex_pre_unlock(thr, addr_of(l), spin_flags(), caller);
  const int r = real_pthread_spin_unlock()(l);
  mutex_post_unlock(thr, addr_of(l), e, r);
  return r;
}

// ---- the exported lock and unlock entry points ----------------------------------------------------
// glibc declares these noexcept in C++, and an asynchronous cancellation unwinding through a
// noexcept frame ends in std::terminate. So each is exported as an alias of a function without
// that specification (ls_interposed_<name>), which runs the tracked body with cancellation
// deferred (see with_async_cancel_deferred).
#define LOCKSTEP_ASYNC_CANCEL_SAFE(name, params, args)                                             \
  int ls_interposed_##name params {                                                                \
    const std::uintptr_t caller = addr_of(__builtin_return_address(0));                            \
    return with_async_cancel_deferred([&] { return body_##name(LOCKSTEP_UNPAREN args, caller); }); \
  }                                                                                                \
  __typeof__(name) name __attribute__((alias("ls_interposed_" #name)));
#define LOCKSTEP_UNPAREN(...) __VA_ARGS__

LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_mutex_lock, (pthread_mutex_t *m), (m))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_mutex_trylock, (pthread_mutex_t *m), (m))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_mutex_timedlock, (pthread_mutex_t *m, const timespec *abstime), (m, abstime))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_mutex_clocklock, (pthread_mutex_t *m, clockid_t clock, const timespec *abstime), (m, clock, abstime))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_mutex_unlock, (pthread_mutex_t *m), (m))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_rdlock, (pthread_rwlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_tryrdlock, (pthread_rwlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_timedrdlock, (pthread_rwlock_t *l, const timespec *t), (l, t))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_clockrdlock, (pthread_rwlock_t *l, clockid_t c, const timespec *t), (l, c, t))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_wrlock, (pthread_rwlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_trywrlock, (pthread_rwlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_timedwrlock, (pthread_rwlock_t *l, const timespec *t), (l, t))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_clockwrlock, (pthread_rwlock_t *l, clockid_t c, const timespec *t), (l, c, t))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_rwlock_unlock, (pthread_rwlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_spin_lock, (pthread_spinlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_spin_trylock, (pthread_spinlock_t *l), (l))
LOCKSTEP_ASYNC_CANCEL_SAFE(pthread_spin_unlock, (pthread_spinlock_t *l), (l))

#undef LOCKSTEP_ASYNC_CANCEL_SAFE
#undef LOCKSTEP_UNPAREN

int pthread_setcanceltype(int type, int *old) {
  // Recorded first: with a cancellation pending, switching to asynchronous acts inside the call.
  if (thread_state *thr = cur_thread_if_any()) thr->async_cancel = type == PTHREAD_CANCEL_ASYNCHRONOUS;
  return real_pthread_setcanceltype()(type, old);
}

// ---- condition variables ------------------------------------------------------------------------------

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) {
  object_written(c, addr_of(__builtin_return_address(0)));
  if (thread_state *thr = entry()) {
    rt_scope sc(thr);
    cond_destroy(thr, addr_of(c));  // forget a previous object at this address
  }
  return real_pthread_cond_init()(c, a);
}

int pthread_cond_destroy(pthread_cond_t *c) {
  object_written(c, addr_of(__builtin_return_address(0)));
  if (thread_state *thr = entry()) {
    rt_scope sc(thr);
    cond_destroy(thr, addr_of(c));
  }
  return real_pthread_cond_destroy()(c);
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  return cond_wait_common(c, m, addr_of(__builtin_return_address(0)), true,
                          [c, m] { return real_pthread_cond_wait()(c, m); });
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const timespec *t) {
  return cond_wait_common(c, m, addr_of(__builtin_return_address(0)), false,
                          [c, m, t] { return real_pthread_cond_timedwait()(c, m, t); });
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock, const timespec *t) {
  return cond_wait_common(c, m, addr_of(__builtin_return_address(0)), false,
                          [c, m, clock, t] { return real_pthread_cond_clockwait()(c, m, clock, t); });
}

int pthread_cond_signal(pthread_cond_t *c) {
  sync_var *rec = nullptr;
  if (thread_state *thr = entry()) {
    object_used(c, addr_of(__builtin_return_address(0)));
    rt_scope sc(thr);
    rec = cond_signal(thr, addr_of(c), addr_of(__builtin_return_address(0)));
  }
  const int r = real_pthread_cond_signal()(c);
  cond_signal_done(rec);  // after the real call: see cond_pre_wait's `watched`
  return r;
}

int pthread_cond_broadcast(pthread_cond_t *c) {
  sync_var *rec = nullptr;
  if (thread_state *thr = entry()) {
    object_used(c, addr_of(__builtin_return_address(0)));
    rt_scope sc(thr);
    rec = cond_signal(thr, addr_of(c), addr_of(__builtin_return_address(0)));
  }
  const int r = real_pthread_cond_broadcast()(c);
  cond_signal_done(rec);  // after the real call: see cond_pre_wait's `watched`
  return r;
}

// ---- threads -------------------------------------------------------------------------------------------

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  refuse_a_second_sanitizer_runtime();
  thread_state *thr = entry();
  if (!thr) return real_pthread_create()(th, attr, fn, arg);
  thread_start_info *info;
  int detach_state = PTHREAD_CREATE_JOINABLE;
  {
    rt_scope sc(thr);
    if (attr) pthread_attr_getdetachstate(attr, &detach_state);
    info = thread_before_create(thr, detach_state == PTHREAD_CREATE_DETACHED);
  }
  if (!info) return real_pthread_create()(th, attr, fn, arg);  // no slot left: run untracked
  // The child inherits a fully blocked signal mask and restores ours once bound to its record, so
  // no handler can run in it before the runtime knows which thread it is.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  set_start_routine(info, fn, arg, old);
  thread_state *child = thread_child(info);  // info belongs to the child once it runs
  const int r = real_pthread_create()(th, attr, thread_trampoline, info);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (r != 0) {
    rt_scope sc(thr);
    thread_create_failed(info);
  } else if (detach_state != PTHREAD_CREATE_DETACHED) {
    // (A detached child may already have exited and its slot been reused: never touch it.)
    thread_after_create(child, *th);
  }
  return r;
}

int pthread_join(pthread_t th, void **ret) {
  return join_common(th, true, [th, ret](const timespec *dl) {
    if (dl && real_pthread_clockjoin_np()) return real_pthread_clockjoin_np()(th, ret, CLOCK_MONOTONIC, dl);
    return real_pthread_join()(th, ret);
  });
}

int pthread_tryjoin_np(pthread_t th, void **ret) {
  return join_common(th, false, [th, ret](const timespec *) { return real_pthread_tryjoin_np()(th, ret); });
}

int pthread_timedjoin_np(pthread_t th, void **ret, const timespec *t) {
  return join_common(th, false, [th, ret, t](const timespec *) { return real_pthread_timedjoin_np()(th, ret, t); });
}

int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t c, const timespec *t) {
  return join_common(th, false,
                     [th, ret, c, t](const timespec *) { return real_pthread_clockjoin_np()(th, ret, c, t); });
}

int pthread_detach(pthread_t th) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_detach()(th);
  rt_scope sc(thr);
  thread_state *target = thread_by_handle(th);
  const int r = real_pthread_detach()(th);
  if (r == 0) thread_after_detach(target);
  return r;
}

int pthread_setname_np(pthread_t th, const char *name) {
  const int r = real_pthread_setname_np()(th, name);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      set_thread_name(pthread_equal(th, pthread_self()) ? thr : thread_by_handle(th), name);
    }
  }
  return r;
}

// ---- POSIX semaphores: sem_post releases into the semaphore's clock before the real post, a wait that
// took a permit acquires from it. The runtime's bookkeeping keeps errno as the real call left it.

int sem_init(sem_t *sem, int pshared, unsigned value) {
  const int r = real_sem_init()(sem, pshared, value);
  if (r == 0) {
    const int err = errno;
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      semaphore_init(thr, addr_of(sem), value, 0);  // the maximum is SEM_VALUE_MAX: sem_post checks it
    }
    errno = err;
  }
  return r;
}

int sem_destroy(sem_t *sem) {
  const int r = real_sem_destroy()(sem);
  if (r == 0) {
    const int err = errno;
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      sync_forget(addr_of(sem));
    }
    errno = err;
  }
  return r;
}

int sem_post(sem_t *sem) {
  thread_state *thr = entry();
  if (!thr) return real_sem_post()(sem);
  rt_scope sc(thr);
  semaphore_release(thr, addr_of(sem), 1, 0);  // before the permit can be taken
  const int r = real_sem_post()(sem);
  if (r != 0) {
    const int err = errno;
    semaphore_release_failed(thr, addr_of(sem), 1, SEM_VALUE_MAX, err == EOVERFLOW);
    errno = err;
  }
  return r;
}

int sem_wait(sem_t *sem) {
  return sem_wait_common(sem, [sem] { return real_sem_wait()(sem); });
}

int sem_trywait(sem_t *sem) {
  return sem_wait_common(sem, [sem] { return real_sem_trywait()(sem); });
}

int sem_timedwait(sem_t *sem, const timespec *t) {
  return sem_wait_common(sem, [sem, t] { return real_sem_timedwait()(sem, t); });
}

int sem_clockwait(sem_t *sem, clockid_t clock, const timespec *t) {
  return sem_wait_common(sem, [sem, clock, t] { return real_sem_clockwait()(sem, clock, t); });
}

// ---- barriers: every arrival of a phase happens before every thread leaves it ---------------------------

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count) {
  object_written(b, addr_of(__builtin_return_address(0)));
  const int r = real_pthread_barrier_init()(b, a, count);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      barrier_init(thr, addr_of(b), count);
    }
  }
  return r;
}

int pthread_barrier_destroy(pthread_barrier_t *b) {
  object_written(b, addr_of(__builtin_return_address(0)));
  const int r = real_pthread_barrier_destroy()(b);
  if (r == 0) {
    if (thread_state *thr = entry()) {
      rt_scope sc(thr);
      sync_forget(addr_of(b));
    }
  }
  return r;
}

int pthread_barrier_wait(pthread_barrier_t *b) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_barrier_wait()(b);
  // Only on arrival: glibc lets the serial thread destroy the barrier as soon as its wait returns
  // (the destruction waits for the others to leave), which ThreadSanitizer reports as a race.
  object_used(b, addr_of(__builtin_return_address(0)));
  rt_scope sc(thr);
  barrier_arrive(thr, addr_of(b), 1, false);  // before the real wait can let anybody through
  const int r = real_pthread_barrier_wait()(b);
  if (r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD) barrier_depart(thr, addr_of(b));
  return r;
}

// ---- once-style idioms ----------------------------------------------------------------------------------

int pthread_once(::pthread_once_t *once, void (*init)()) {
  thread_state *thr = entry();
  if (!thr) return real_pthread_once()(once, init);
  // No rt_scope here: the init routine is user code whose events must be seen.
  once_context_saver saved;
  t_once_fn = init;
  t_once_addr = addr_of(once);
  t_once_ran = false;
  const int r = real_pthread_once()(once, once_trampoline);
  if (r == 0 && !t_once_ran) {
    rt_scope sc(thr);
    address_acquire(thr, addr_of(once));
  }
  return r;
}

// Function-local statics. The compiler's inline fast path reads the guard's first byte and calls
// __cxa_guard_acquire only while it is 0, so a thread that finds the static ready would synchronize
// with its initializer invisibly. We therefore run the guard protocol ourselves and never set that
// byte: every use of the static calls in here, sees "done" in our table and acquires the
// initializer's release. (Cost: a call and a lookup per use of a function-local static.)
int __cxa_guard_acquire(std::int64_t *g) { return guard_acquire(cur_thread(), addr_of(g)); }

void __cxa_guard_release(std::int64_t *g) { guard_release(cur_thread(), addr_of(g)); }

void __cxa_guard_abort(std::int64_t *g) { guard_abort(addr_of(g)); }

}  // extern "C"
