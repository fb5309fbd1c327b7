// Unannotated code, built with lockstep_instrument: the look-alike of atomic_and_plain_write_data_race.cpp
// where both threads use atomic accesses (std::atomic_ref, relaxed): atomic accesses never race with
// each other, whatever their order.
#include <atomic>
#include <thread>

int word = 0;  // external and read at the end: the stores to it must stay

namespace {
std::atomic<bool> published{false};

void publish_atomically() {
  std::atomic_ref<int>(word).store(1, std::memory_order_relaxed);
  published.store(true, std::memory_order_relaxed);
}

void reset_atomically() { std::atomic_ref<int>(word).store(0, std::memory_order_relaxed); }
}  // namespace

int main() {
  std::thread writer(publish_atomically);
  std::thread resetter([] {
    while (!published.load(std::memory_order_relaxed)) std::this_thread::yield();
    reset_atomically();
    (void)std::atomic_ref<int>(word).load(std::memory_order_relaxed);
  });
  writer.join();
  resetter.join();
  return word == 0 || word == 1 ? 0 : 1;
}
