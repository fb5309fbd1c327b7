// Bug (cv-wait-without-lock): pthread_cond_timedwait called with a mutex the thread does not hold.
#include <lockstep/lockstep.hpp>

#include <pthread.h>
#include <time.h>

namespace {
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
}  // namespace

int main() {
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 20 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  // Forgot pthread_mutex_lock(&m). Nobody signals: the wait times out.
  pthread_cond_timedwait(&cv, &m, &deadline);
  // The wait returns with the mutex locked, as POSIX specifies.
  pthread_mutex_unlock(&m);
  return 0;
}
