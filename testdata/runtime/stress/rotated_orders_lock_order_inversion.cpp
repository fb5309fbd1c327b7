// Bug (lock-order-inversion), at scale: 24 threads, one after the other, each lock all of 24 mutexes, nested,
// starting at a different one (thread r takes r, r+1, ..., 23, 0, ..., r-1). Every pair of mutexes is taken in
// both orders, so the lock-order graph holds thousands of cycles; they are all one mistake made at one pair of
// acquisition sites (the lock() in take_all_from, holding a lock taken there too), which must be one report,
// not one per cycle (before: 1,419 reports with 10 mutexes, over 15,000 with 20; tools/bench/RESULTS.md).
// expect-reports: 1
// expect-stack: 0 take_all_from
// expect-acquired-stack: 0 take_all_from
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int lock_count = 24;
std::vector<std::mutex> locks(lock_count);

void take_all_from(int first) {
  for (int i = 0; i < lock_count; ++i) locks[(first + i) % lock_count].lock();
  for (int i = lock_count; i-- > 0;) locks[(first + i) % lock_count].unlock();
}
}  // namespace

int main() {
  // One thread at a time: the orders differ, but no two threads ever wait for each other (no real deadlock).
  for (int first = 0; first < lock_count; ++first) {
    std::thread t(take_all_from, first);
    t.join();
  }
  return 0;
}
