// Clean: waits with a timeout are never deadlocks. One thread polls with wait_for on a condition
// variable nobody notifies, another with pthread_cond_timedwait; only after their timeouts expired
// several times do they notify the main thread, which waits without a timeout. The timed waiters
// count as running all along.
#include <pthread.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

// lockstep-options: deadlock_check_ms=10

namespace {
std::mutex mu;
std::condition_variable never_notified, done_cv;
int done = 0;  // guarded by mu
pthread_mutex_t pmu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t pcv = PTHREAD_COND_INITIALIZER;
}  // namespace

int main() {
  std::thread poller([] {
    std::unique_lock<std::mutex> lock(mu);
    for (int i = 0; i < 10; ++i) never_notified.wait_for(lock, std::chrono::milliseconds(30));
    ++done;
    done_cv.notify_all();
  });
  std::thread pthread_poller([] {
    pthread_mutex_lock(&pmu);
    for (int i = 0; i < 10; ++i) {
      timespec deadline;
      clock_gettime(CLOCK_REALTIME, &deadline);
      deadline.tv_nsec += 30 * 1000000L;
      if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&pcv, &pmu, &deadline);
    }
    pthread_mutex_unlock(&pmu);
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    done_cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    done_cv.wait(lock, [] { return done == 2; });
  }
  poller.join();
  pthread_poller.join();
  return 0;
}
