// Bug (unlock-not-owner): the main thread locks a mutex and a worker thread unlocks it, as if a
// mutex were a binary semaphore (undefined behaviour for std::mutex).
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex ready;
}  // namespace

int main() {
  ready.lock();
  std::thread worker([] { ready.unlock(); });  // not the owner
  worker.join();
  return 0;
}
