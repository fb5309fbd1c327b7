// Clean: the drop-in lockstep::mutex and lockstep::thread with the standard lock_guard/unique_lock.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <vector>

namespace {
lockstep::mutex counter_mutex;
long counter = 0;

void work() {
  for (int i = 0; i < 500; ++i) {
    if (i % 2) {
      std::lock_guard<lockstep::mutex> lock(counter_mutex);
      LOCKSTEP_WRITE(counter);
      ++counter;
    } else {
      std::unique_lock<lockstep::mutex> lock(counter_mutex);
      LOCKSTEP_WRITE(counter);
      ++counter;
      lock.unlock();
    }
  }
}
}  // namespace

int main() {
  std::vector<lockstep::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(work);
  for (auto &t : threads) t.join();
  LOCKSTEP_READ(counter);
  return counter == 1500 ? 0 : 1;
}
