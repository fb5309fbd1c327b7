// Clean: lockstep::condition_variable_any waiting with a std::unique_lock on a lockstep::shared_mutex
// held exclusively, and std::condition_variable_any with a std::mutex.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace {
lockstep::shared_mutex state_mutex;
lockstep::condition_variable_any state_changed;
int stage = 0;

std::mutex std_mutex;
std::condition_variable_any std_changed;
int std_stage = 0;
}  // namespace

int main() {
  lockstep::thread worker([] {
    for (int i = 1; i <= 50; ++i) {
      std::unique_lock<lockstep::shared_mutex> lock(state_mutex);
      state_changed.wait(lock, [i] {
        LOCKSTEP_READ(stage);
        return stage == 2 * i - 1;
      });
      LOCKSTEP_WRITE(stage);
      ++stage;
      state_changed.notify_all();
    }
  });
  std::thread std_worker([] {
    std::unique_lock<std::mutex> lock(std_mutex);
    std_changed.wait(lock, [] {
      LOCKSTEP_READ(std_stage);
      return std_stage == 1;
    });
    LOCKSTEP_WRITE(std_stage);
    std_stage = 2;
    std_changed.notify_all();
  });
  for (int i = 1; i <= 50; ++i) {
    std::unique_lock<lockstep::shared_mutex> lock(state_mutex);
    state_changed.wait(lock, [i] {
      LOCKSTEP_READ(stage);
      return stage == 2 * i - 2;
    });
    LOCKSTEP_WRITE(stage);
    ++stage;
    state_changed.notify_all();
  }
  {
    std::unique_lock<std::mutex> lock(std_mutex);
    LOCKSTEP_WRITE(std_stage);
    std_stage = 1;
    std_changed.notify_all();
    std_changed.wait(lock, [] {
      LOCKSTEP_READ(std_stage);
      return std_stage == 2;
    });
  }
  worker.join();
  std_worker.join();
  LOCKSTEP_READ(stage);
  return stage == 100 ? 0 : 1;
}
