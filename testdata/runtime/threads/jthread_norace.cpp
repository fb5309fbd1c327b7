// Clean: std::jthread and lockstep::jthread workers run until asked to stop; their results are
// read after the join that their destructors perform.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <stop_token>
#include <thread>

namespace {
long std_rounds = 0;
long drop_in_rounds = 0;
}  // namespace

int main() {
  {
    std::jthread worker([](std::stop_token stop) {
      long n = 0;
      while (!stop.stop_requested()) {
        ++n;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      LOCKSTEP_WRITE(std_rounds);
      std_rounds = n;
    });
    lockstep::jthread drop_in([](std::stop_token stop) {
      long n = 0;
      while (!stop.stop_requested()) {
        ++n;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      LOCKSTEP_WRITE(drop_in_rounds);
      drop_in_rounds = n;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }  // both request stop and join here
  LOCKSTEP_READ(std_rounds);
  LOCKSTEP_READ(drop_in_rounds);
  return std_rounds >= 0 && drop_in_rounds >= 0 ? 0 : 1;
}
