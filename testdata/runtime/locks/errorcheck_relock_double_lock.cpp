// Bug (double-lock): a thread relocks an error-checking mutex it holds, twice from two places.
// glibc refuses each with EDEADLK and the program goes on: both are reported, the process is not
// stopped, and the owner's unlock afterwards is valid.
// expect-reports: 2
#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <pthread.h>

namespace {
pthread_mutex_t m;

__attribute__((noinline)) int relock_here() { return pthread_mutex_lock(&m); }
__attribute__((noinline)) int relock_there() { return pthread_mutex_lock(&m); }
}  // namespace

int main() {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &attr);
  pthread_mutexattr_destroy(&attr);
  pthread_mutex_lock(&m);
  const int first = relock_here();
  const int second = relock_there();
  const int unlocked = pthread_mutex_unlock(&m);
  pthread_mutex_destroy(&m);
  return first == EDEADLK && second == EDEADLK && unlocked == 0 ? 0 : 1;
}
