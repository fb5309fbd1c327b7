// Clean: the look-alike of two_mutexes_cv_multiple_mutexes: both waiters use the same mutex.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::condition_variable changed;
std::mutex state_mutex;
int waiting = 0;  // guarded by state_mutex
bool go = false;

int waiting_now() {
  std::lock_guard<std::mutex> lock(state_mutex);
  LOCKSTEP_READ(waiting);
  return waiting;
}

void waiter() {
  std::unique_lock<std::mutex> lock(state_mutex);
  LOCKSTEP_WRITE(waiting);
  ++waiting;
  changed.wait(lock, [] { return go; });
}
}  // namespace

int main() {
  std::thread a(waiter), b(waiter);
  while (waiting_now() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::lock_guard<std::mutex> lock(state_mutex);
    go = true;
  }
  changed.notify_all();
  a.join();
  b.join();
  return 0;
}
