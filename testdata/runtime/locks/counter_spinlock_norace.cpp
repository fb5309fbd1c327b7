// Clean: three threads add to a counter under a pthread spinlock (lock and try-lock): the
// spinlock orders every access.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

namespace {
pthread_spinlock_t counter_lock;
long counter = 0;

void *work(void *) {
  for (int i = 0; i < 300; ++i) {
    if (i % 3 == 0) {
      while (pthread_spin_trylock(&counter_lock) != 0) {
      }
    } else {
      pthread_spin_lock(&counter_lock);
    }
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    ++counter;
    pthread_spin_unlock(&counter_lock);
  }
  return nullptr;
}
}  // namespace

int main() {
  pthread_spin_init(&counter_lock, PTHREAD_PROCESS_PRIVATE);
  pthread_t threads[3];
  for (auto &t : threads)
    if (pthread_create(&t, nullptr, work, nullptr) != 0) return 1;
  for (auto &t : threads) pthread_join(t, nullptr);
  LOCKSTEP_READ(counter);
  pthread_spin_destroy(&counter_lock);
  return counter == 900 ? 0 : 1;
}
