// Bug (cv-wait-without-lock), twice: two different lines wait on the same condition variable with the same
// mutex, neither holding it; one of them does so in a loop. Each line is its own bug and gets its own report,
// and the loop's repetitions are one report: two in all (reports are de-duplicated per kind, objects and
// call site, not per objects alone).
// expect-reports: 2
#include <pthread.h>
#include <time.h>

namespace {
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

timespec in_one_ms() {
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  return deadline;
}

// Nobody signals: every wait times out, and returns with the mutex locked (POSIX).
void poll_once() {
  timespec deadline = in_one_ms();
  pthread_cond_timedwait(&cv, &m, &deadline);  // forgot pthread_mutex_lock(&m)
  pthread_mutex_unlock(&m);
}

void poll_in_a_loop() {
  for (int i = 0; i < 5; ++i) {
    timespec deadline = in_one_ms();
    pthread_cond_timedwait(&cv, &m, &deadline);  // the same mistake on another line
    pthread_mutex_unlock(&m);
  }
}
}  // namespace

int main() {
  poll_once();
  poll_in_a_loop();
  return 0;
}
