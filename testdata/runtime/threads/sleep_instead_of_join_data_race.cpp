// Bug (data-race): the main thread reads a worker's result after sleeping and after joining an
// *unrelated* thread, but before joining the worker: neither orders the accesses, whatever the
// timing (the worker has almost certainly finished by then, which is what hides the bug).
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <thread>

namespace {
long result = 0;
}  // namespace

int main() {
  std::thread worker([] {
    LOCKSTEP_WRITE(result);
    result = 42;
  });
  std::thread unrelated([] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); });
  unrelated.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  LOCKSTEP_READ(result);  // should come after worker.join()
  long seen = result;
  worker.join();
  return seen >= 0 ? 0 : 1;
}
