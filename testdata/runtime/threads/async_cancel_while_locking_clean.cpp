// Clean: workers with asynchronous cancellation enabled lock and unlock mutexes, an rwlock and a
// spinlock in a loop, and the main thread cancels them. The cancellation may land anywhere, also
// inside the runtime's handling of a lock or unlock: the runtime must let it act (after its own
// bookkeeping) rather than crash the program, and the cancelled threads must be joinable. Each
// worker has locks of its own: one it was holding when cancelled stays locked, harming nobody.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace {
struct worker_locks {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
  pthread_spinlock_t stats;
};
std::atomic<int> running{0};

void *churn(void *arg) {
  auto *own = static_cast<worker_locks *>(arg);
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, nullptr);
  running.fetch_add(1);
  for (;;) {
    pthread_mutex_lock(&own->mutex);
    pthread_mutex_unlock(&own->mutex);
    pthread_rwlock_rdlock(&own->table);
    pthread_rwlock_unlock(&own->table);
    pthread_rwlock_wrlock(&own->table);
    pthread_rwlock_unlock(&own->table);
    pthread_spin_lock(&own->stats);
    pthread_spin_unlock(&own->stats);
  }
  return nullptr;
}
}  // namespace

int main() {
  for (int round = 0; round < 20; ++round) {
    pthread_t workers[2];
    worker_locks locks[2];
    running.store(0);
    for (int i = 0; i < 2; ++i) {
      pthread_spin_init(&locks[i].stats, PTHREAD_PROCESS_PRIVATE);
      if (pthread_create(&workers[i], nullptr, churn, &locks[i]) != 0) return 1;
    }
    while (running.load() < 2) sched_yield();
    timespec pause{0, 2000000};  // let them run into the runtime for a while
    nanosleep(&pause, nullptr);
    for (pthread_t w : workers) pthread_cancel(w);
    for (pthread_t w : workers) {
      void *result = nullptr;
      pthread_join(w, &result);
      if (result != PTHREAD_CANCELED) return 1;
    }
  }
  return 0;
}
