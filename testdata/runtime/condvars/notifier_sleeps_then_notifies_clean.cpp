// Clean: the look-alike of notified_before_wait_deadlock. The main thread waits without a predicate
// while the only other thread sleeps (nanosleep: a call the runtime does not see) for many deadlock
// check intervals before it notifies. The other thread counts as running the whole time, so the
// waiter is never reported; the notification ends the wait.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <ctime>

// lockstep-options: deadlock_check_ms=20

namespace {
std::mutex result_mutex;
std::condition_variable result_ready;
int result = 0;
bool waiting = false;  // guarded by result_mutex
}  // namespace

int main() {
  std::unique_lock<std::mutex> lock(result_mutex);
  std::thread producer([] {
    // Wait until main is in its wait (it holds the mutex until the wait releases it).
    for (;;) {
      std::lock_guard<std::mutex> g(result_mutex);
      if (waiting) break;
    }
    timespec ts{0, 300 * 1000000L};
    nanosleep(&ts, nullptr);  // slow: 15 check intervals
    {
      std::lock_guard<std::mutex> g(result_mutex);
      result = 42;
    }
    result_ready.notify_one();
  });
  waiting = true;
  result_ready.wait(lock);  // no predicate; the handshake above makes it correct (spurious wakeups aside)
  while (result != 42) result_ready.wait(lock);
  lock.unlock();
  producer.join();
  return 0;
}
