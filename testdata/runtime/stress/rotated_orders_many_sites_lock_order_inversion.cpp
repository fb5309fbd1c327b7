// Bug (lock-order-inversion), many times over: 12 mutexes taken, nested, in rotated orders (as in
// rotated_orders_lock_order_inversion.cpp), but each one at a call depth of its own, so the inversions are at
// many different pairs of acquisition sites and each is a report of its own. max_lock_order_reports caps them:
// 3 are printed, and one line at exit says how many more were held back.
// lockstep-options: max_lock_order_reports=3
// expect-reports: 3
// expect-stderr: more lock-order-inversion reports suppressed (max_lock_order_reports=3
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int lock_count = 12;
std::vector<std::mutex> locks(lock_count);

// Locks the next mutex, then the rest one call deeper: every position in the order has its own stack.
__attribute__((noinline)) void take_rest(int first, int taken) {
  if (taken == lock_count) return;
  std::mutex &m = locks[(first + taken) % lock_count];
  m.lock();
  take_rest(first, taken + 1);
  m.unlock();
  asm volatile("");  // keeps the recursive call a real call (no tail call): one frame per depth
}
}  // namespace

int main() {
  for (int first = 0; first < lock_count; ++first) {
    std::thread t(take_rest, first, 0);
    t.join();
  }
  return 0;
}
