// Clean: the main thread, the program's only thread, waits until a SIGALRM handler notifies it (the
// "stop on a signal" shape of many services). POSIX does not allow pthread_cond_signal in a signal
// handler, but it works with glibc and programs do it; the runtime must not end such a program as
// deadlocked: an installed handler for a signal that may arrive at any time prevents the report.
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

// lockstep-options: deadlock_check_ms=10

namespace {
std::mutex mu;
std::condition_variable stop_requested;
std::atomic<bool> stop{false};

void on_alarm(int) {
  stop.store(true);
  stop_requested.notify_all();
}
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);
  itimerval when{};
  when.it_value.tv_usec = 400 * 1000;     // 40 check intervals
  when.it_interval.tv_usec = 100 * 1000;  // again, in case the first came before the wait
  setitimer(ITIMER_REAL, &when, nullptr);
  std::unique_lock<std::mutex> lock(mu);
  while (!stop.load()) stop_requested.wait(lock);
  return 0;
}
