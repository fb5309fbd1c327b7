// Bug (unlock-not-owner): a thread unlocks an error-checking mutex the main thread holds. glibc
// refuses it (EPERM) and the mutex stays locked by its owner, so the owner's own unlock afterwards
// is valid and must not be reported.
// expect-reports: 1
#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <pthread.h>
#include <thread>

int main() {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t m;
  pthread_mutex_init(&m, &attr);
  pthread_mutexattr_destroy(&attr);

  pthread_mutex_lock(&m);
  int refused = 0;
  std::thread intruder([&] { refused = pthread_mutex_unlock(&m); });  // the bug
  intruder.join();
  const int unlocked = pthread_mutex_unlock(&m);  // the owner's unlock: fine
  pthread_mutex_destroy(&m);
  return refused == EPERM && unlocked == 0 ? 0 : 1;
}
