// Unannotated code, built with lockstep_instrument: one thread stores to a word atomically (relaxed,
// through std::atomic_ref), another writes the same word with a plain store, and nothing orders them.
// An atomic access and a plain one to the same bytes race (two atomic ones would not: see
// atomic_ref_both_norace.cpp).
// expect-stack: 0 reset_plainly
// expect-stack: 1 publish_atomically
#include <atomic>
#include <thread>

int word = 0;  // external and read at the end: the stores to it must stay

namespace {
std::atomic<bool> published{false};  // relaxed below: orders nothing

void publish_atomically() {
  std::atomic_ref<int>(word).store(1, std::memory_order_relaxed);
  published.store(true, std::memory_order_relaxed);
}

__attribute__((noinline)) void reset_plainly() { word = 0; }
}  // namespace

int main() {
  std::thread writer(publish_atomically);
  std::thread resetter([] {
    while (!published.load(std::memory_order_relaxed)) std::this_thread::yield();
    reset_plainly();
  });
  writer.join();
  resetter.join();
  return word == 0 || word == 1 ? 0 : 1;
}
