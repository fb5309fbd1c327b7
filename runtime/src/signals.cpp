// Happens-before from installing a signal handler to every run of it, on any thread: what a program
// did before sigaction (or signal) is visible to the handler, as ThreadSanitizer models it. Without
// it, a handler reading data written before its installation was reported as racing with the write.
//
// sigaction and signal are interposed: installing a handler releases the calling thread's clock
// into the signal's clock, and installs in the kernel a wrapper (with SA_SIGINFO added, the program's
// mask and other flags kept) that acquires that clock and then calls the program's handler. The
// program never sees the wrapper: the old action a call returns names the program's handler, and
// SIG_IGN, SIG_DFL and SA_RESETHAND behave as without the runtime. glibc's own internal calls
// (abort, system, siginterrupt) bypass the interposers and keep whatever the kernel has, the wrapper
// included. Handlers installed by other means (sysv_signal, sigset, a raw system call) run unwrapped:
// nothing orders them, as before.
//
// The wrapper runs in signal context and does only async-signal-safe work: a lock-free table lookup
// and a spinlock nobody holds across anything that could be interrupted on its own thread (the
// record of the signal's clock is touched only inside the runtime, where a nested handler stays
// out), and errno is kept for the program's handler. Two cases it leaves alone:
//  - The interrupted thread is inside the runtime (thread_state::in_rt > 0: blocked in an interposed
//    pthread call, or in the middle of an event): its clock may be half-updated, so the wrapper does
//    not acquire, and everything the handler does is untracked anyway (every entry point forwards
//    untracked inside the runtime): its accesses are not checked and leave no trace, so this can
//    only miss a race, never report one. The same when the acquire cannot be made in place (see
//    handler_begins): the wrapper then keeps the thread inside the runtime while the handler runs.
//  - The handler and the code it interrupted share the thread's state (the same clock and epoch):
//    a handler reading what that code wrote, or the code reading what the handler wrote, is program
//    order, never a race.
#include <errno.h>
#include <signal.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include "next_definition.hpp"
#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

// The program's action for each signal, as last installed through the interposers: its handler (or
// SIG_DFL/SIG_IGN) with the two flags the wrapper needs in the top bits, so that one atomic load
// reads them together. User-space code addresses leave those bits clear on every 64-bit Linux target.
static_assert(sizeof(void *) == 8, "the action word packs a code address with two flags");
constexpr std::uint64_t siginfo_bit = std::uint64_t{1} << 63;
constexpr std::uint64_t resethand_bit = std::uint64_t{1} << 62;
constexpr std::uint64_t handler_bits = ~(siginfo_bit | resethand_bit);
std::atomic<std::uint64_t> g_action[NSIG];  // zero: SIG_DFL
// The address of g_signal_key[sig] keys the record whose clock installations release into.
char g_signal_key[NSIG];
// Serializes installations (the table entry and the kernel's action change together); taken with
// every signal blocked on the calling thread, so that no handler can run on it meanwhile, and never
// by the wrapper.
spinlock g_install_mtx;

using sigaction_fn = int (*)(int, const struct sigaction *, struct sigaction *);
std::atomic<sigaction_fn> g_real_sigaction{nullptr};

sigaction_fn real_sigaction() noexcept {
  sigaction_fn f = g_real_sigaction.load(std::memory_order_acquire);
  if (__builtin_expect(f == nullptr, 0)) {
    f = reinterpret_cast<sigaction_fn>(resolve_next("sigaction"));
    g_real_sigaction.store(f, std::memory_order_release);
  }
  return f;
}

std::uintptr_t signal_key(int sig) noexcept { return addr_of(&g_signal_key[sig]); }

// The handler word of an action (sa_handler and sa_sigaction share their storage).
std::uint64_t handler_of(const struct sigaction &a) noexcept { return reinterpret_cast<std::uintptr_t>(a.sa_sigaction); }
bool runs_code(std::uint64_t handler) noexcept {
  return handler != reinterpret_cast<std::uintptr_t>(SIG_DFL) && handler != reinterpret_cast<std::uintptr_t>(SIG_IGN);
}

// Before the program's handler runs on the interrupted thread: it acquires every installation of a
// handler for `sig` so far. Returns the thread to be kept inside the runtime while the handler runs
// (untracked), or null. The interrupted code may be reading the thread's clock (the instrumented
// access path does, outside the runtime), so the acquire only raises entries in place; where it
// would have to replace a chunk or the clock's directory (a clock that never had room for the
// installer's entries, rare), the handler runs untracked rather than unordered.
thread_state *handler_begins(int sig) noexcept {
  thread_state *thr = cur_thread();
  if (!thr || thr->in_rt) return nullptr;  // inside the runtime: untracked already
  rt_scope sc(thr);  // a nested signal finds the thread inside the runtime and stays out
  sync_var *s = sync_find(signal_key(sig));
  if (!s) return nullptr;
  spin_guard g(s->mtx);
  return thr->clock.join_in_place(s->clock) ? nullptr : thr;
}

// What the kernel runs for every signal whose handler was installed through the interposers.
void wrapper(int sig, siginfo_t *info, void *context) {
  if (sig <= 0 || sig >= NSIG) return;
  std::uint64_t action = g_action[sig].load(std::memory_order_acquire);
  if (action & resethand_bit) {
    // The kernel has put SIG_DFL back already; so does the table, unless a new action came meanwhile.
    std::uint64_t expected = action;
    g_action[sig].compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(SIG_DFL), std::memory_order_acq_rel);
  }
  const std::uint64_t handler = action & handler_bits;
  // An installation of SIG_DFL or SIG_IGN crossed this delivery: there is nothing of the program's to run.
  if (!runs_code(handler)) return;
  const int saved_errno = errno;
  thread_state *untracked = handler_begins(sig);
  errno = saved_errno;
  if (untracked) ++untracked->in_rt;
  // What the interrupted code asked to ignore (AnnotateIgnore*, a custom mutex's own code) is not the
  // handler's business: it runs with nothing ignored, as under ThreadSanitizer. (A handler's release
  // ignored because it interrupted an AnnotateIgnoreSync region made a false race: compiler-rt's
  // signal_sync2.cpp.)
  thread_state *thr = cur_thread_if_any();
  int ignored[4] = {};
  int thread_state::*const ignores[4] = {&thread_state::ignore_reads, &thread_state::ignore_writes,
                                         &thread_state::ignore_sync, &thread_state::ignore_sync_annotated};
  for (int i = 0; thr && i < 4; ++i) std::swap(ignored[i], thr->*ignores[i]);
  if (action & siginfo_bit)
    reinterpret_cast<void (*)(int, siginfo_t *, void *)>(handler)(sig, info, context);
  else
    reinterpret_cast<void (*)(int)>(handler)(sig);
  for (int i = 0; thr && i < 4; ++i) thr->*ignores[i] = ignored[i];
  if (untracked) --untracked->in_rt;
}

int install(int sig, const struct sigaction *act, struct sigaction *oldact) noexcept {
  const sigaction_fn real = real_sigaction();
  if (!real) {
    errno = ENOSYS;
    return -1;
  }
  if (sig <= 0 || sig >= NSIG) return real(sig, act, oldact);  // refused by the real call
  struct sigaction wrapped;
  std::uint64_t action = 0;
  if (act) {
    action = handler_of(*act);
    if (runs_code(action)) {
      // Everything before the installation happens before every run of the handler.
      tracked_event([sig](thread_state *thr) { address_release(thr, signal_key(sig), sync_kind::user); });
      if (act->sa_flags & SA_SIGINFO) action |= siginfo_bit;
      if (act->sa_flags & SA_RESETHAND) action |= resethand_bit;
      wrapped = *act;
      wrapped.sa_sigaction = wrapper;
      wrapped.sa_flags |= SA_SIGINFO;
      act = &wrapped;
    }
  }
  // The table entry changes before the kernel's action (a delivery right after the real call must
  // find the new handler) and is restored if the call fails.
  sigset_t all, mask;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &mask);
  g_install_mtx.lock();
  const std::uint64_t previous = g_action[sig].load(std::memory_order_relaxed);
  if (act) g_action[sig].store(action, std::memory_order_release);
  const int r = real(sig, act, oldact);
  const int err = errno;
  if (r != 0 && act) g_action[sig].store(previous, std::memory_order_release);
  g_install_mtx.unlock();
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  if (r == 0 && oldact && oldact->sa_sigaction == wrapper) {
    // The program's own action, not the wrapper (the kernel's mask and other flags are the program's).
    oldact->sa_sigaction = reinterpret_cast<void (*)(int, siginfo_t *, void *)>(previous & handler_bits);
    if (!(previous & siginfo_bit)) oldact->sa_flags &= ~SA_SIGINFO;
  }
  errno = err;
  return r;
}

}  // namespace

void lockstep::rt::signals_after_fork_child() noexcept { g_install_mtx.unlock(); }

extern "C" {

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact) noexcept {
  return install(sig, act, oldact);
}

// glibc's signal(): BSD semantics (the handler stays installed, interrupted calls restart, the signal
// is blocked while its handler runs).
__sighandler_t signal(int sig, __sighandler_t handler) noexcept {
  if (handler == SIG_ERR || sig <= 0 || sig >= NSIG) {
    errno = EINVAL;
    return SIG_ERR;
  }
  struct sigaction act {}, old {};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  sigaddset(&act.sa_mask, sig);
  act.sa_flags = SA_RESTART;
  if (install(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

}  // extern "C"
