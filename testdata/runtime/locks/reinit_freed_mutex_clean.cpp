// Clean: a heap mutex is locked and its memory freed while locked (legal for a mutex nobody else
// uses). The next allocation gets the same block, a new mutex is initialised in it and locked,
// first by the thread that held the old one, then by another thread that had held the old one
// too: freeing memory and pthread_mutex_init end whatever was believed about the old mutex.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <thread>

namespace {
pthread_mutex_t *make_locked_mutex() {
  auto *m = static_cast<pthread_mutex_t *>(std::malloc(sizeof(pthread_mutex_t)));
  pthread_mutex_init(m, nullptr);
  pthread_mutex_lock(m);
  return m;
}

// Locks and unlocks a mutex, and checks that the lock worked.
bool lock_unlock(pthread_mutex_t *m) {
  if (pthread_mutex_lock(m) != 0) return false;
  return pthread_mutex_unlock(m) == 0;
}
}  // namespace

int main() {
  // The same thread: lock, free while locked, reallocate, init, lock again.
  pthread_mutex_t *old_mutex = make_locked_mutex();
  std::free(old_mutex);  // never unlocked
  auto *fresh = static_cast<pthread_mutex_t *>(std::malloc(sizeof(pthread_mutex_t)));
  if (fresh != old_mutex) {
    std::fprintf(stderr, "reinit_freed_mutex_clean: malloc did not reuse the freed block\n");
    return 1;
  }
  pthread_mutex_init(fresh, nullptr);
  bool ok = lock_unlock(fresh);
  pthread_mutex_destroy(fresh);

  // Another thread held the old mutex when the memory was freed and reused: its next lock of the
  // new mutex is a first lock.
  pthread_mutex_t *worker_mutex = nullptr;
  pthread_mutex_t handed_over = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
  int stage = 0;
  std::thread worker([&] {
    pthread_mutex_lock(&handed_over);
    worker_mutex = make_locked_mutex();  // left locked
    stage = 1;
    pthread_cond_broadcast(&ready);
    while (stage != 2) pthread_cond_wait(&ready, &handed_over);
    pthread_mutex_t *m = worker_mutex;
    pthread_mutex_unlock(&handed_over);
    ok = lock_unlock(m) && ok;
  });
  pthread_mutex_lock(&handed_over);
  while (stage != 1) pthread_cond_wait(&ready, &handed_over);
  pthread_mutex_t *stale = worker_mutex;
  std::free(stale);
  worker_mutex = static_cast<pthread_mutex_t *>(std::malloc(sizeof(pthread_mutex_t)));
  pthread_mutex_init(worker_mutex, nullptr);
  if (worker_mutex != stale) {
    std::fprintf(stderr, "reinit_freed_mutex_clean: malloc did not reuse the freed block\n");
    ok = false;
  }
  stage = 2;
  pthread_cond_broadcast(&ready);
  pthread_mutex_unlock(&handed_over);
  worker.join();
  pthread_mutex_destroy(worker_mutex);
  std::free(worker_mutex);
  return ok ? 0 : 1;
}
