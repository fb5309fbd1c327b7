// Clean: the look-alike of wait_unlocked: the mutex is held around a timed wait that times out,
// with the pthread API and with std::condition_variable::wait_for.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <time.h>

namespace {
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
std::mutex std_m;
std::condition_variable std_cv;
bool never = false;
}  // namespace

int main() {
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 20 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&m);
  pthread_cond_timedwait(&cv, &m, &deadline);
  pthread_mutex_unlock(&m);

  std::unique_lock<std::mutex> lock(std_m);
  bool woke = std_cv.wait_for(lock, std::chrono::milliseconds(20), [] { return never; });
  return woke ? 1 : 0;
}
