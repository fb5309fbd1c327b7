// Clean: the notifier is a SIGEV_THREAD timer callback. glibc runs it on threads it creates itself
// (not through the interposed pthread_create), so until the callback runs, the runtime knows only
// the waiting main thread. Such unseen threads prevent a deadlock report: the process has more live
// threads than the runtime knows.
#include <signal.h>
#include <time.h>

#include <condition_variable>
#include <mutex>

// lockstep-options: deadlock_check_ms=10

namespace {
std::mutex mu;
std::condition_variable fired;
bool done = false;  // guarded by mu

void on_timer(sigval) {
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  fired.notify_one();
}
}  // namespace

int main() {
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = on_timer;
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) return 1;
  itimerspec when{};
  when.it_value.tv_nsec = 400 * 1000000L;  // 40 check intervals
  if (timer_settime(timer, 0, &when, nullptr) != 0) return 1;
  std::unique_lock<std::mutex> lock(mu);
  fired.wait(lock, [] { return done; });
  lock.unlock();
  timer_delete(timer);
  return 0;
}
