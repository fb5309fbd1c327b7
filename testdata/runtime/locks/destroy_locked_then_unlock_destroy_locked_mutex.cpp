// Bug (destroy-locked-mutex): a locked mutex is destroyed. glibc refuses (EBUSY) and the mutex
// stays locked and usable, so the owner's unlock and the second, valid destroy are not misuse.
// expect-reports: 1
#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <pthread.h>

int main() {
  pthread_mutex_t m;
  pthread_mutex_init(&m, nullptr);
  pthread_mutex_lock(&m);
  const int busy = pthread_mutex_destroy(&m);  // the bug
  const int unlocked = pthread_mutex_unlock(&m);
  const int destroyed = pthread_mutex_destroy(&m);
  return busy == EBUSY && unlocked == 0 && destroyed == 0 ? 0 : 1;
}
