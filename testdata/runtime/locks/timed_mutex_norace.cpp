// Clean: std::timed_mutex taken with try_lock_for / try_lock_until (pthread_mutex_clocklock).
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <mutex>
#include <thread>

namespace {
std::timed_mutex m;
int value = 0;

void work() {
  using namespace std::chrono_literals;
  for (int i = 0; i < 100; ++i) {
    if (i % 2 == 0) {
      while (!m.try_lock_for(10ms)) {
      }
    } else {
      while (!m.try_lock_until(std::chrono::steady_clock::now() + 10ms)) {
      }
    }
    LOCKSTEP_WRITE(value);
    ++value;
    m.unlock();
  }
}
}  // namespace

int main() {
  std::thread a(work), b(work);
  a.join();
  b.join();
  LOCKSTEP_READ(value);
  return value == 200 ? 0 : 1;
}
