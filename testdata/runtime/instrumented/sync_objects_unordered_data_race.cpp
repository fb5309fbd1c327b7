// Unannotated code, built with lockstep_instrument: the memory of a pthread synchronization object is
// written where it is made (pthread_*_init) and destroyed, and read by every use. Each pair below is a
// use that is not ordered with the object's making or destruction, the threads told apart only by
// relaxed flags (which order nothing): a mutex initialized by one thread and locked by another; a
// reader/writer lock and a spinlock unlocked by a worker and destroyed by main; a condition variable
// signalled after the unlock that let its waiter go, then destroyed by the waiter; a barrier made by
// one thread and waited on by another. One race each.
// expect-reports: 5
#include <pthread.h>

#include <atomic>
#include <thread>

namespace {
std::atomic<int> step{0};  // relaxed: sequences the threads in time, orders nothing
void wait_for(int s) {
  while (step.load(std::memory_order_relaxed) < s) std::this_thread::yield();
}
void reach(int s) { step.store(s, std::memory_order_relaxed); }

pthread_mutex_t made_late;
pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
pthread_spinlock_t spin;
pthread_mutex_t cond_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
bool ready = false;
pthread_barrier_t barrier;
}  // namespace

int main() {
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  std::thread worker([] {
    pthread_mutex_init(&made_late, nullptr);
    reach(1);
    wait_for(2);
    pthread_rwlock_rdlock(&rwlock);
    pthread_rwlock_unlock(&rwlock);
    pthread_spin_lock(&spin);
    pthread_spin_unlock(&spin);
    reach(3);
    pthread_mutex_lock(&cond_mutex);
    ready = true;
    pthread_mutex_unlock(&cond_mutex);
    pthread_cond_signal(&cond);  // after the unlock: the waiter may be gone already
    reach(4);
    pthread_barrier_init(&barrier, nullptr, 1);
    reach(5);
  });
  wait_for(1);
  pthread_mutex_lock(&made_late);  // race: the init is not ordered before it
  pthread_mutex_unlock(&made_late);
  reach(2);
  wait_for(3);
  pthread_rwlock_destroy(&rwlock);  // race: the worker's unlock is not ordered before it
  pthread_spin_destroy(&spin);      // race, the same
  wait_for(4);
  pthread_mutex_lock(&cond_mutex);
  while (!ready) pthread_cond_wait(&cond, &cond_mutex);  // (ready already: no wait)
  pthread_mutex_unlock(&cond_mutex);
  pthread_cond_destroy(&cond);  // race: the signal came after the unlock main acquired
  wait_for(5);
  pthread_barrier_wait(&barrier);  // race: the init is not ordered before it
  worker.join();
  pthread_barrier_destroy(&barrier);
  pthread_mutex_destroy(&made_late);
  return 0;
}
