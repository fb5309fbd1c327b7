// The runtime's one helper thread: it checks, every deadlock_check_ms, whether the threads asleep in
// untimed condition-variable waits can still be notified (deadlock_watch_tick). Those threads sleep
// in the real pthread_cond_wait, which the runtime never interrupts (see interpose.cpp), so another
// thread must look at them; when every thread of the program waits on a condition variable, no
// thread of the program is left to do it.
//
// The helper is no thread of the program: it is created with the real pthread_create, never gets a
// slot or a T number (t_runtime_helper), never counts as a possible notifier, and runs with every
// signal blocked, so a signal meant for the program is never delivered to it. It starts on the
// first untimed wait (a program that never waits on a condition variable has no helper) and again
// in a forked child, where only the forking thread survives.
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "rtl.hpp"

namespace lockstep::rt {

namespace {

// 0: not started in this process, 1: started (or being started), 2: could not be started.
std::atomic<int> g_state{0};
std::atomic<bool> g_atfork_registered{false};

void *watchdog_main(void *) {
  t_runtime_helper = true;
  prctl(PR_SET_NAME, "lockstep-watch", 0, 0, 0);
  deadlock_set_helper_tid(static_cast<int>(syscall(SYS_gettid)));
  for (;;) {
    const int ms = deadlock_check_interval_ms();
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
    deadlock_watch_tick();  // reports and ends the process on a confirmed deadlock
  }
  return nullptr;
}

// Only the forking thread lives on in the child: the next untimed wait starts a new helper there.
void after_fork_child() {
  g_state.store(0, std::memory_order_relaxed);
  deadlock_set_helper_tid(0);
}

}  // namespace

void watchdog_start() noexcept {
  if (__builtin_expect(g_state.load(std::memory_order_acquire) != 0, 1)) return;
  int expected = 0;
  if (!g_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;
  if (!g_atfork_registered.exchange(true)) pthread_atfork(nullptr, nullptr, after_fork_child);
  // The real pthread_create: the interposed one would make the helper a thread of the program.
  using create_fn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
  auto real_create = reinterpret_cast<create_fn>(dlsym(RTLD_NEXT, "pthread_create"));
  pthread_attr_t attr;
  if (!real_create || pthread_attr_init(&attr) != 0) {
    g_state.store(2, std::memory_order_release);
    return;
  }
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // The new thread inherits the creator's signal mask: all blocked, then the creator's back.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t th;
  const int r = real_create(&th, &attr, watchdog_main, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  pthread_attr_destroy(&attr);
  if (r != 0) g_state.store(2, std::memory_order_release);  // no helper: untimed waits go unwatched
}

}  // namespace lockstep::rt
