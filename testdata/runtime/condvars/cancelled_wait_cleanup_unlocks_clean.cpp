// Clean: threads waiting on a condition variable are cancelled. glibc retakes the mutex before the
// cancellation unwinds, and the waiters' cleanup handlers unlock it: a valid unlock, and the
// condition variable has no waiter left afterwards (a later wait with another mutex is fine).
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <ctime>
#include <pthread.h>
#include <sched.h>

namespace {
pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
bool ready = false;  // never set: the waiters wait until cancelled
std::atomic<int> waiting{0};

void unlock_queue(void *) { pthread_mutex_unlock(&queue_lock); }

void *wait_plain(void *) {
  pthread_mutex_lock(&queue_lock);
  pthread_cleanup_push(unlock_queue, nullptr);
  waiting.fetch_add(1);
  while (!ready) pthread_cond_wait(&queue_ready, &queue_lock);
  pthread_cleanup_pop(1);
  return nullptr;
}

void *wait_timed(void *) {
  pthread_mutex_lock(&queue_lock);
  pthread_cleanup_push(unlock_queue, nullptr);
  waiting.fetch_add(1);
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 3600;
  while (!ready) pthread_cond_timedwait(&queue_ready, &queue_lock, &deadline);
  pthread_cleanup_pop(1);
  return nullptr;
}
}  // namespace

int main() {
  pthread_t plain, timed;
  if (pthread_create(&plain, nullptr, wait_plain, nullptr) != 0) return 1;
  if (pthread_create(&timed, nullptr, wait_timed, nullptr) != 0) return 1;
  // Both are waiting once they said so and the mutex is free again.
  while (waiting.load() < 2) sched_yield();
  pthread_mutex_lock(&queue_lock);
  pthread_mutex_unlock(&queue_lock);
  pthread_cancel(plain);
  pthread_cancel(timed);
  void *r1 = nullptr, *r2 = nullptr;
  pthread_join(plain, &r1);
  pthread_join(timed, &r2);
  // The mutex is free and the condition variable has no waiter.
  pthread_mutex_lock(&queue_lock);
  pthread_mutex_unlock(&queue_lock);
  pthread_mutex_lock(&other_lock);
  timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec = 0;  // in the past: returns ETIMEDOUT at once
  pthread_cond_timedwait(&queue_ready, &other_lock, &soon);
  pthread_mutex_unlock(&other_lock);
  return r1 == PTHREAD_CANCELED && r2 == PTHREAD_CANCELED ? 0 : 1;
}
