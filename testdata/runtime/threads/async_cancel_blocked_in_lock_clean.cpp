// Clean: threads with asynchronous cancellation enabled block on a mutex and on a spinlock that
// the main thread holds, and the main thread cancels them. They must be cancelled while still
// blocked (as without lockstep), not crash the program nor wait for the lock for ever. The main
// thread polls with pthread_tryjoin_np so that it never waits on them while holding their locks.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace {
pthread_mutex_t table_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_spinlock_t stats_lock;
std::atomic<int> started{0};

void *lock_table(void *) {
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, nullptr);
  started.fetch_add(1);
  pthread_mutex_lock(&table_mutex);  // held by main: blocks until cancelled
  pthread_mutex_unlock(&table_mutex);
  return nullptr;
}

void *lock_stats(void *) {
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, nullptr);
  started.fetch_add(1);
  pthread_spin_lock(&stats_lock);  // held by main: spins until cancelled
  pthread_spin_unlock(&stats_lock);
  return nullptr;
}

// Joins `t` within about ten seconds without blocking; false if it is still running.
bool joined_cancelled(pthread_t t) {
  for (int i = 0; i < 1000; ++i) {
    void *result = nullptr;
    const int r = pthread_tryjoin_np(t, &result);
    if (r == 0) return result == PTHREAD_CANCELED;
    if (r != EBUSY) return false;
    timespec pause{0, 10000000};
    nanosleep(&pause, nullptr);
  }
  std::fprintf(stderr, "async_cancel_blocked_in_lock_clean: a thread blocked in a lock was never cancelled\n");
  return false;
}
}  // namespace

int main() {
  pthread_spin_init(&stats_lock, PTHREAD_PROCESS_PRIVATE);
  pthread_mutex_lock(&table_mutex);
  pthread_spin_lock(&stats_lock);
  pthread_t table_thread, stats_thread;
  if (pthread_create(&table_thread, nullptr, lock_table, nullptr) != 0) return 1;
  if (pthread_create(&stats_thread, nullptr, lock_stats, nullptr) != 0) return 1;
  while (started.load() < 2) sched_yield();
  timespec pause{0, 300000000};  // long enough for both to be waiting in the runtime
  nanosleep(&pause, nullptr);
  pthread_cancel(table_thread);
  pthread_cancel(stats_thread);
  const bool ok = joined_cancelled(table_thread) && joined_cancelled(stats_thread);
  pthread_spin_unlock(&stats_lock);
  pthread_mutex_unlock(&table_mutex);
  return ok ? 0 : 1;
}
