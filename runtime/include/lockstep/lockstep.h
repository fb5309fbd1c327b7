/* The C interface of liblockstep: memory-access annotations, naming and the semaphore, latch and barrier events, for C (C99 and later) and C++
 * (C++11 and later). <lockstep/lockstep.hpp> adds the C++20 drop-in types on top of it.
 *
 *   #include <lockstep/lockstep.h>
 *   int counter;                        shared between threads
 *   LOCKSTEP_WRITE(counter);            just before (or after) writing it
 *   counter = counter + 1;
 *   LOCKSTEP_READ(config.limit);        any lvalue: a variable, a member, an element
 *
 * Linking liblockstep is enough for pthread mutexes, rwlocks, condition variables and threads to be
 * watched (C and C++ alike); these annotations add race detection on the accesses you mark. With CMake,
 * link the imported target lockstep::runtime. On a hand-written link line, name the library after the
 * objects that use it ("cc main.o -llockstep -pthread"): with -Wl,--as-needed (the default of several
 * distributions) a library named before any object that needs it is dropped, and then nothing is watched.
 *
 * Contract of the annotations:
 *  - The argument must be an lvalue; its address and size (sizeof) are recorded together with a static
 *    source site (file, line, function), which is what reports show for the access. The argument is not
 *    evaluated for its value; side effects in it happen once.
 *  - A race is reported when two annotated accesses to overlapping bytes, at least one a write, are not
 *    ordered by happens-before (mutexes, condition variables, thread create/join, once, the drop-in
 *    types): whatever the actual timing, as long as both accesses ran.
 *  - Cost: a function call, a hash lookup and a few compares when nothing new happens; nothing is
 *    allocated except on the first access to an address. Safe from signal handlers (the access is then
 *    ignored if the thread was already inside the runtime) and during static destruction.
 *  - Memory that is freed and reused keeps its history unless you call LOCKSTEP_FORGET(ptr, size) (or
 *    lockstep_forget_range) before reusing it across threads without other synchronization.
 */
#ifndef LOCKSTEP_LOCKSTEP_H
#define LOCKSTEP_LOCKSTEP_H

#include <stddef.h>

#ifdef __cplusplus
#include <memory> /* std::addressof: an lvalue whose type overloads operator& */
extern "C" {
#endif

/* Where an annotated access is in the source. Instances are function-local statics made by the macros
 * below; the runtime keeps the pointer, so a site must live for the whole program. */
struct lockstep_source_site {
  const char *file;
  int line;
  const char *function;
};

/* Records an access of `size` bytes at `addr`. `site` must have static storage duration (or be null). */
void lockstep_annotate_read(const volatile void *addr, size_t size, const struct lockstep_source_site *site);
void lockstep_annotate_write(const volatile void *addr, size_t size, const struct lockstep_source_site *site);
/* Forgets the access history of [addr, addr+size): memory about to be reused for something else. */
void lockstep_forget_range(const volatile void *addr, size_t size);

/* Names the sync object at `addr` (a mutex, rwlock or condition variable; for the drop-in types, their
 * native handle) in reports. The name is copied. Naming an address that is later destroyed and reused
 * names nothing afterwards (destroy forgets the object). */
void lockstep_name_object(const volatile void *addr, const char *name);
/* Names the calling thread in reports (like pthread_setname_np, without its 16-byte limit; names longer
 * than 63 bytes are cut). */
void lockstep_name_current_thread(const char *name);

/* Semaphores, latches and barriers: the typed events behind the drop-in types (<lockstep/semaphore.hpp>,
 * <lockstep/latch.hpp>, <lockstep/barrier.hpp>) and the interposed sem_* and pthread_barrier_* functions.
 * A home-grown primitive calls them too. Each object is named by its address; `max` and counts as the
 * std types have them. What the runtime makes of them (see runtime/docs/runtime.md):
 *  - happens-before: a release happens before every later successful acquisition (the semaphore keeps
 *    one clock that every release joins); every count-down before a wait that saw the latch at zero;
 *    every arrival of a barrier phase, and its completion function, before every wait for that phase.
 *  - misuse: `semaphore-over-release` (a release taking the count above `max`), `latch-underflow` (a
 *    count-down below zero), `barrier-overflow` (an arrival past the phase's count, arrive_and_drop with
 *    no participant left, an arrival from inside the completion function).
 * Order of calls: a release, count-down or arrival is announced *before* the state change that lets
 * another thread through; an acquisition or wait *after* it succeeded. The counts are checked exactly
 * only when the caller serializes these calls with its own state changes (the drop-in types call them
 * under their internal lock); an object first seen without its init event has no count to check. */
/* A new semaphore with `count` permits; max > 0: its maximum (semaphore-over-release past it). */
void lockstep_sem_init(const volatile void *sem, long long count, long long max);
/* Before n permits become available; max > 0 as for init (0: the maximum given at init, if any). */
void lockstep_sem_release(const volatile void *sem, long long n, long long max);
/* After a blocking acquisition took a permit. */
void lockstep_sem_acquire(const volatile void *sem);
/* After a try (or timed) acquisition: `acquired` non-zero when it took a permit (else nothing happens). */
void lockstep_sem_try_acquire(const volatile void *sem, int acquired);
void lockstep_sem_timed_acquire(const volatile void *sem, int acquired);
/* The semaphore's memory is about to be reused: forgets it. */
void lockstep_sem_destroy(const volatile void *sem);

/* A new latch expecting `count` count-downs. */
void lockstep_latch_init(const volatile void *latch, long long count);
/* Before a count-down of n becomes visible (latch-underflow when it takes the count below zero). */
void lockstep_latch_count_down(const volatile void *latch, long long n);
/* After a wait (or try_wait) saw the count at zero. */
void lockstep_latch_wait(const volatile void *latch);
void lockstep_latch_destroy(const volatile void *latch);

/* A new barrier of `expected` participants. */
void lockstep_barrier_init(const volatile void *barrier, long long expected);
/* Before an arrival of n (drop non-zero: arrive_and_drop, n = 1) becomes visible. The arrival that
 * completes a phase publishes the phase's arrivals to its departures. */
void lockstep_barrier_arrive(const volatile void *barrier, long long n, int drop);
/* Around the completion function, by the thread whose arrival completed the phase. */
void lockstep_barrier_completion_begin(const volatile void *barrier);
void lockstep_barrier_completion_end(const volatile void *barrier);
/* After a wait for a phase returned (the phase is complete). */
void lockstep_barrier_wait(const volatile void *barrier);
void lockstep_barrier_destroy(const volatile void *barrier);

/* Tracked coroutines (<lockstep/coroutine.hpp>'s tracked_promise calls these). `frame` is the
 * coroutine's frame (coroutine_handle::address()).
 * lockstep_coro_begin: from the promise's constructor (the frame's resume and destroy entries are
 * set, the body has not run): the runtime watches every resume() and destroy() of the frame from now
 * on, and everything before the creation happens before the first resumption. `flags`:
 * LOCKSTEP_CORO_SUSPENSIONS_SEEN says that every suspension the coroutine can be resumed from (each
 * co_await and co_yield; not the initial and final ones) calls lockstep_coro_suspend: a resume() of
 * it while it runs is then reported as coro-resume-while-running. Without the flag a resume during an
 * activation is taken to follow a suspension the runtime did not see.
 * lockstep_coro_suspend: before a suspension's await_suspend runs (it may hand the coroutine to
 * another thread): what the coroutine did so far happens before its resumption, on any thread; a lock
 * its activation still holds is reported as coro-lock-across-suspend. A suspension the runtime does
 * not see orders what came before it only once the resume() that ran the activation returns.
 * lockstep_coro_frame_alloc/free: the promise's operator new and delete. A freed frame is kept from
 * reuse for a while, and a resume() or destroy() through a stale handle is reported as
 * coro-resume-after-destroy instead of running freed memory. */
#define LOCKSTEP_CORO_SUSPENSIONS_SEEN 1u
void lockstep_coro_begin(void *frame, unsigned flags);
void lockstep_coro_suspend(void *frame);
void *lockstep_coro_frame_alloc(size_t size);
void lockstep_coro_frame_free(void *frame, size_t size);

/* Real deadlocks through these primitives. A blocking wait on one of them (an acquire, a latch's or a
 * barrier phase's wait) sleeps in slices of lockstep_wait_check_ms() milliseconds (0: detection is off,
 * sleep as long as needed) and calls lockstep_wait_blocked(object, ...) after each slice that ended without
 * the wait being over, then lockstep_wait_unblocked() once it is over. When every running thread is
 * stuck in waits the runtime sees (these, mutexes, joins, untimed condition-variable waits), nobody is
 * left to release, count down or arrive: the runtime reports a `deadlock` and ends the process instead
 * of letting it hang. A thread busy in any other call (a read, a sleep, an unwatched wait) is running,
 * and so are threads the runtime never saw created and signal handlers: no report. */
int lockstep_wait_check_ms(void);
/* `word`: what the wait sleeps on, and `expected` the value it slept at; once the word has moved the
 * wait may be ending, and the thread no longer counts as stuck (it may not have returned yet). */
void lockstep_wait_blocked(const volatile void *object, const volatile unsigned *word, unsigned expected);
void lockstep_wait_unblocked(void);

#ifdef __cplusplus
} /* extern "C" */
/* C++: no old-style cast (-Wold-style-cast stays quiet), names looked up from the global namespace. */
#define LOCKSTEP_DETAIL_ADDRESS(lvalue) static_cast<const volatile void *>(::std::addressof(lvalue))
#define LOCKSTEP_DETAIL_SITE ::lockstep_source_site
#define LOCKSTEP_DETAIL_FN(name) ::name
#else
#define LOCKSTEP_DETAIL_ADDRESS(lvalue) ((const volatile void *)&(lvalue))
#define LOCKSTEP_DETAIL_SITE struct lockstep_source_site
#define LOCKSTEP_DETAIL_FN(name) name
#endif

#define LOCKSTEP_DETAIL_ACCESS(fn, lvalue)                                                                  \
  do {                                                                                                     \
    static const LOCKSTEP_DETAIL_SITE lockstep_detail_site_ = {__FILE__, __LINE__, __func__};             \
    fn(LOCKSTEP_DETAIL_ADDRESS(lvalue), sizeof(lvalue), &lockstep_detail_site_);                           \
  } while (0)

/* Records a read of `lvalue` (see the contract above). */
#define LOCKSTEP_READ(lvalue) LOCKSTEP_DETAIL_ACCESS(LOCKSTEP_DETAIL_FN(lockstep_annotate_read), lvalue)
/* Records a write of `lvalue` (see the contract above). */
#define LOCKSTEP_WRITE(lvalue) LOCKSTEP_DETAIL_ACCESS(LOCKSTEP_DETAIL_FN(lockstep_annotate_write), lvalue)
/* Forgets the history of `size` bytes at `ptr` (memory reuse). */
#define LOCKSTEP_FORGET(ptr, size) LOCKSTEP_DETAIL_FN(lockstep_forget_range)((ptr), (size))

#endif /* LOCKSTEP_LOCKSTEP_H */
