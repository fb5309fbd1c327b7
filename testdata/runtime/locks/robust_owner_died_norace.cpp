// Clean: a worker writes the shared record under a robust mutex and dies holding it. The main
// thread's lock then returns EOWNERDEAD with the mutex: everything the dead owner did happens
// before that acquisition, so reading the record (and repairing it) is no race.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cerrno>
#include <pthread.h>
#include <sched.h>

namespace {
pthread_mutex_t record_lock;
long record = 0;
std::atomic<bool> worker_holds_lock{false};  // plain atomics are invisible to the runtime: no order

void *worker(void *) {
  pthread_mutex_lock(&record_lock);
  worker_holds_lock.store(true);
  LOCKSTEP_WRITE(record);
  record = 42;
  return nullptr;  // dies holding record_lock
}
}  // namespace

int main() {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&record_lock, &attr);
  pthread_mutexattr_destroy(&attr);

  pthread_t t;
  if (pthread_create(&t, nullptr, worker, nullptr) != 0) return 1;
  while (!worker_holds_lock.load()) sched_yield();
  const int r = pthread_mutex_lock(&record_lock);  // waits for the worker's death
  if (r != EOWNERDEAD) return 1;
  LOCKSTEP_READ(record);
  const bool seen = record == 42;
  LOCKSTEP_WRITE(record);
  record = 0;  // repaired
  pthread_mutex_consistent(&record_lock);
  pthread_mutex_unlock(&record_lock);
  pthread_join(t, nullptr);
  pthread_mutex_destroy(&record_lock);
  return seen ? 0 : 1;
}
