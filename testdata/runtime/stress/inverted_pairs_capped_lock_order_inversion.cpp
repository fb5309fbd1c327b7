// Bug (lock-order-inversion), many times over: 8 pairs of mutexes, each pair taken in both orders, each pair at
// a call depth of its own, so every inversion is at a different pair of acquisition sites and is a report of its
// own. max_lock_order_reports caps them: 3 are printed, and one line at exit says how many more were held back.
// lockstep-options: max_lock_order_reports=3
// expect-reports: 3
// expect-stderr: more lock-order-inversion reports suppressed (max_lock_order_reports=3
#include <mutex>
#include <thread>

namespace {
constexpr int pair_count = 8;
std::mutex first[pair_count], second[pair_count];

// Locks `outer` then `inner` after `depth` more calls: every pair gets acquisition stacks of its own.
__attribute__((noinline)) void lock_nested_at_depth(int depth, std::mutex &outer, std::mutex &inner) {
  if (depth > 0) {
    lock_nested_at_depth(depth - 1, outer, inner);
    asm volatile("");  // keeps the recursive call a real call (no tail call): one frame per level
    return;
  }
  std::lock_guard<std::mutex> a(outer);
  std::lock_guard<std::mutex> b(inner);
}
}  // namespace

int main() {
  // One thread at a time: the orders differ, but no two threads ever wait for each other (no real deadlock).
  for (int p = 0; p < pair_count; ++p) {
    std::thread forward(lock_nested_at_depth, p, std::ref(first[p]), std::ref(second[p]));
    forward.join();
    std::thread backward(lock_nested_at_depth, p, std::ref(second[p]), std::ref(first[p]));
    backward.join();
  }
  return 0;
}
