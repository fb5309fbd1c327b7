// Clean: plain pthreads: pthread_create/join and a pthread_mutex_t protect a shared counter.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

namespace {
pthread_mutex_t counter_mutex = PTHREAD_MUTEX_INITIALIZER;
long counter = 0;

void *work(void *) {
  for (int i = 0; i < 500; ++i) {
    pthread_mutex_lock(&counter_mutex);
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    ++counter;
    pthread_mutex_unlock(&counter_mutex);
  }
  return nullptr;
}
}  // namespace

int main() {
  pthread_t threads[3];
  for (auto &t : threads)
    if (pthread_create(&t, nullptr, work, nullptr) != 0) return 1;
  for (auto &t : threads) pthread_join(t, nullptr);
  LOCKSTEP_READ(counter);
  return counter == 1500 ? 0 : 1;
}
