// Bug (deadlock): two opposite transfers run at the same time and each takes its first mutex
// before the other takes its second: a real deadlock. A handshake forces that schedule every
// run; lockstep must report the two blocked threads and exit instead of hanging.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

std::atomic<int> first_locks_taken{0};

void transfer(account &from, account &to, long amount) {
  std::lock_guard<std::mutex> lock_from(from.mutex);
  // Wait until the other transfer holds its first mutex too (an atomic counter: no happens-before
  // for lockstep, and none needed).
  first_locks_taken.fetch_add(1);
  while (first_locks_taken.load() < 2) std::this_thread::yield();
  std::lock_guard<std::mutex> lock_to(to.mutex);  // blocks for ever
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

int main() {
  account alice, bob;
  std::thread a([&] { transfer(alice, bob, 10); });
  std::thread b([&] { transfer(bob, alice, 5); });
  a.join();
  b.join();
  return 0;
}
