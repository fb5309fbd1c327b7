// Unannotated code, built with lockstep_instrument: publication through a thread whose slot a later
// thread takes over, none of it a race. `relay` (detached) passes the writer's data on through
// `relayed`, then ends; `successor` takes its thread slot, with epochs above the relay's, and
// publishes `successor_ready`. The reader learns the successor's epochs first, then acquires
// `relayed`: a clock that names the relay's slot at an epoch the reader's clock already exceeds. An
// acquire that judged it covered by that number alone would skip it, and the reader's read of `data`
// would look unordered with the writer's write (the runtime must know the number is the successor's).
#include <unistd.h>

#include <atomic>
#include <thread>

namespace {

int data = 0;
std::atomic<int> written{0}, relayed{0}, successor_ready{0};

void wait_for(const std::atomic<int> &flag, std::memory_order order) {
  while (flag.load(order) != 1) std::this_thread::yield();
}

}  // namespace

int main() {
  std::thread reader([] {
    wait_for(successor_ready, std::memory_order_acquire);
    wait_for(relayed, std::memory_order_acquire);
    if (data != 42) __builtin_trap();
  });
  std::thread writer([] {
    data = 42;
    written.store(1, std::memory_order_release);
  });
  std::thread([] {
    wait_for(written, std::memory_order_acquire);
    relayed.store(1, std::memory_order_release);
  }).detach();
  // Relaxed: the main thread must not learn the relay's clock (the successor starts from its own).
  wait_for(relayed, std::memory_order_relaxed);
  usleep(200 * 1000);  // the relay has ended, its slot free
  std::thread successor([] { successor_ready.store(1, std::memory_order_release); });
  successor.join();
  reader.join();
  writer.join();
  return 0;
}
