// Unannotated code, built with lockstep_instrument: correct publication through atomics, none of it a
// race. A release store read by an acquire load; a relaxed store after a release fence read by a
// relaxed load before an acquire fence (ThreadSanitizer ignores fences and reports this one); a
// release fetch_add read by an acquire compare-exchange; a seq_cst flag.
#include <atomic>
#include <thread>

namespace {

int by_release = 0, by_fence = 0, by_rmw = 0, by_seq_cst = 0;
std::atomic<int> flag_release{0}, flag_fence{0}, counter{0};
std::atomic<bool> flag_seq_cst{false};

void produce() {
  by_release = 1;
  flag_release.store(1, std::memory_order_release);

  by_fence = 2;
  std::atomic_thread_fence(std::memory_order_release);
  flag_fence.store(1, std::memory_order_relaxed);

  by_rmw = 3;
  counter.fetch_add(1, std::memory_order_release);

  by_seq_cst = 4;
  flag_seq_cst.store(true);
}

void consume() {
  while (flag_release.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  if (by_release != 1) __builtin_trap();

  while (flag_fence.load(std::memory_order_relaxed) != 1) std::this_thread::yield();
  std::atomic_thread_fence(std::memory_order_acquire);
  if (by_fence != 2) __builtin_trap();

  int expected = 1;
  while (!counter.compare_exchange_weak(expected, 10, std::memory_order_acquire, std::memory_order_relaxed)) {
    expected = 1;
    std::this_thread::yield();
  }
  if (by_rmw != 3) __builtin_trap();

  while (!flag_seq_cst.load()) std::this_thread::yield();
  if (by_seq_cst != 4) __builtin_trap();
}

}  // namespace

int main() {
  std::thread c(consume), p(produce);
  c.join();
  p.join();
  return 0;
}
