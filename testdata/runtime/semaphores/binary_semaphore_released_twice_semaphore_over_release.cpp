// Bug (semaphore-over-release): a binary semaphore used as a "work ready" signal is released twice
// without an acquire in between: the second release(1) takes the count to 2, above max() = 1
// (undefined behaviour for std::binary_semaphore). The runtime reports it and the program goes on.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::binary_semaphore work_ready{0, "work_ready"};

__attribute__((noinline)) void signal_work() {
  work_ready.release();
  asm volatile("" ::: "memory");
}
}  // namespace

// expect-stack: 0 signal_work
// expect-reports: 1

int main() {
  signal_work();
  signal_work();  // the worker has not taken the first one yet
  std::thread worker([] { work_ready.acquire(); });
  worker.join();
  return 0;
}
