// Bug (cv-multiple-mutexes), and nothing else: two threads wait on one condition variable, each with
// its own mutex. main sets the second waiter's flag and notifies while holding the first waiter's
// mutex, which the second one never takes: only the notification orders that write before the second
// waiter's read after its wakeup. A notification under the mutex of some waiters only must still
// release (the flag's accesses are annotated as plain ones; it is atomic so that the program itself
// is well defined).
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::condition_variable changed;
std::mutex first_mutex, second_mutex;
bool first_waiting = false, second_waiting = false;  // each guarded by its waiter's mutex
bool first_go = false;                               // guarded by first_mutex
std::atomic<bool> second_go{false};

bool is_waiting(std::mutex &m, const bool &waiting) {
  std::lock_guard<std::mutex> lock(m);
  return waiting;
}
void wait_until_waiting(std::mutex &m, const bool &waiting) {
  while (!is_waiting(m, waiting)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
}  // namespace

int main() {
  std::thread first([] {
    std::unique_lock<std::mutex> lock(first_mutex);
    first_waiting = true;
    changed.wait(lock, [] { return first_go; });
  });
  wait_until_waiting(first_mutex, first_waiting);  // the first waiter's mutex is the one recorded
  std::thread second([] {
    std::unique_lock<std::mutex> lock(second_mutex);
    second_waiting = true;
    for (;;) {
      LOCKSTEP_READ(second_go);
      if (second_go.load(std::memory_order_relaxed)) break;
      changed.wait(lock);  // same condition variable, other mutex
    }
  });
  wait_until_waiting(second_mutex, second_waiting);
  {
    std::lock_guard<std::mutex> lock(first_mutex);
    first_go = true;
    LOCKSTEP_WRITE(second_go);
    second_go.store(true, std::memory_order_relaxed);
    changed.notify_all();  // under first_mutex alone
  }
  first.join();
  second.join();
  return 0;
}
