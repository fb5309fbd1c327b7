// Bug (deadlock): three dining philosophers each pick up the fork on their left, then the one on
// their right. A handshake makes every philosopher hold the left fork first: a ring of three
// threads each waiting for the next one's mutex.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace {
constexpr int seats = 3;
std::mutex forks[seats];
int meals[seats];
std::atomic<int> holding_left{0};

void dine(int seat) {
  std::lock_guard<std::mutex> left(forks[seat]);
  holding_left.fetch_add(1);
  while (holding_left.load() < seats) std::this_thread::yield();
  std::lock_guard<std::mutex> right(forks[(seat + 1) % seats]);  // held by the next philosopher
  ++meals[seat];
}
}  // namespace

int main() {
  std::thread philosophers[seats];
  for (int s = 0; s < seats; ++s) philosophers[s] = std::thread(dine, s);
  for (auto &p : philosophers) p.join();
  return 0;
}
