// Unannotated code, built with lockstep_instrument: a value published through an atomic flag with
// relaxed order and no fence. The reader sees the flag, but nothing orders the value's write before
// its read (the release/acquire and fence look-alikes: publication_release_acquire_fences_norace.cpp).
// expect-stack: 0 consume
// expect-stack: 1 produce
#include <atomic>
#include <thread>

namespace {
int payload = 0;
std::atomic<bool> ready{false};
void produce() {
  payload = 42;
  ready.store(true, std::memory_order_relaxed);
}
void consume() {
  while (!ready.load(std::memory_order_relaxed)) std::this_thread::yield();
  if (payload != 42) __builtin_trap();
}
}  // namespace

int main() {
  std::thread c(consume), p(produce);
  c.join();
  p.join();
  return 0;
}
