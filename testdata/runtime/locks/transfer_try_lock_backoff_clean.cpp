// Clean: one path takes A then B; the other holds B and only *tries* A, backing off on failure.
// A try_lock never blocks, so no deadlock is possible and no inversion is reported.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex a_mutex, b_mutex;
int a_value = 0, b_value = 0;
}  // namespace

int main() {
  std::thread forward([] {
    for (int i = 0; i < 100; ++i) {
      std::lock_guard<std::mutex> la(a_mutex);
      std::lock_guard<std::mutex> lb(b_mutex);
      LOCKSTEP_WRITE(a_value);
      LOCKSTEP_WRITE(b_value);
      ++a_value;
      ++b_value;
    }
  });
  std::thread backward([] {
    for (int done = 0; done < 100;) {
      std::unique_lock<std::mutex> lb(b_mutex);
      std::unique_lock<std::mutex> la(a_mutex, std::try_to_lock);
      if (!la.owns_lock()) {
        lb.unlock();
        std::this_thread::yield();  // back off and retry
        continue;
      }
      LOCKSTEP_WRITE(a_value);
      LOCKSTEP_WRITE(b_value);
      ++a_value;
      ++b_value;
      ++done;
    }
  });
  forward.join();
  backward.join();
  LOCKSTEP_READ(a_value);
  return a_value == 200 ? 0 : 1;
}
