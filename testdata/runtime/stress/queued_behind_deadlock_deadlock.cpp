// Bug (deadlock): two threads deadlock on two mutexes (a handshake forces the schedule), while 200
// more threads queue on one of those mutexes and 200 on a third mutex whose owner sleeps for a
// second before releasing it. The wait-for check follows single-owner chains before it builds a
// graph: the queue behind the sleeping owner must cost no graph (its chains end at a running
// thread), and the queue behind the deadlock must still lead to the cycle, reported once, with an
// exit instead of a hang.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace {
std::mutex first, second, slow;
std::atomic<int> holding{0};

void take_both(std::mutex &a, std::mutex &b) {
  std::lock_guard<std::mutex> la(a);
  holding.fetch_add(1);
  while (holding.load() < 2) std::this_thread::yield();  // the other one holds its first mutex too
  std::lock_guard<std::mutex> lb(b);                     // blocks for ever
}
}  // namespace

int main() {
  std::thread owner([] {
    std::lock_guard<std::mutex> l(slow);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  });
  std::thread a([] { take_both(first, second); });
  std::thread b([] { take_both(second, first); });
  while (holding.load() < 2) std::this_thread::yield();
  std::vector<std::thread> queued;
  for (int i = 0; i < 200; ++i) {
    queued.emplace_back([] { std::lock_guard<std::mutex> l(first); });
    queued.emplace_back([] { std::lock_guard<std::mutex> l(slow); });
  }
  for (auto &t : queued) t.join();
  a.join();
  b.join();
  owner.join();
  return 0;
}
