// Clean: eight threads wait (predicate loops) for a start signal that the main thread gives with
// notify_all after a sleep of many check intervals; then the main thread joins them. While the main
// thread sleeps it is running (a call the runtime does not see): no report.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

// lockstep-options: deadlock_check_ms=10

namespace {
std::mutex mu;
std::condition_variable start;
bool go = false;  // guarded by mu
int started = 0;  // guarded by mu
}  // namespace

int main() {
  std::vector<std::thread> waiters;
  for (int i = 0; i < 8; ++i)
    waiters.emplace_back([] {
      std::unique_lock<std::mutex> lock(mu);
      start.wait(lock, [] { return go; });
      ++started;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard<std::mutex> lock(mu);
    go = true;
  }
  start.notify_all();
  for (std::thread &t : waiters) t.join();
  return started == 8 ? 0 : 1;
}
