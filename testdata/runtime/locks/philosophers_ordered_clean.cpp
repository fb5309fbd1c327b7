// Clean: the look-alike of philosophers_deadlock: each philosopher picks up the lower-numbered
// fork first, so all agree on one order: no deadlock and no lock-order inversion.
#include <lockstep/lockstep.hpp>

#include <algorithm>
#include <mutex>
#include <thread>

namespace {
constexpr int seats = 3;
std::mutex forks[seats];
int meals[seats];

void dine(int seat) {
  int left = seat, right = (seat + 1) % seats;
  for (int i = 0; i < 50; ++i) {
    std::lock_guard<std::mutex> first(forks[std::min(left, right)]);
    std::lock_guard<std::mutex> second(forks[std::max(left, right)]);
    LOCKSTEP_WRITE(meals[seat]);
    ++meals[seat];
  }
}
}  // namespace

int main() {
  std::thread philosophers[seats];
  for (int s = 0; s < seats; ++s) philosophers[s] = std::thread(dine, s);
  for (auto &p : philosophers) p.join();
  for (int &m : meals) {
    LOCKSTEP_READ(m);
    if (m != 50) return 1;
  }
  return 0;
}
