// Bug (deadlock): the main thread joins a worker while holding the mutex the worker needs.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex state_mutex;
int state = 0;
}  // namespace

int main() {
  std::lock_guard<std::mutex> lock(state_mutex);
  std::thread worker([] {
    std::lock_guard<std::mutex> worker_lock(state_mutex);  // held by main until after the join
    ++state;
  });
  worker.join();
  return 0;
}
