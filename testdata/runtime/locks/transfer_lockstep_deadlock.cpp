// Bug (deadlock): transfer_deadlock with the drop-in lockstep::mutex and lockstep::thread.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace {
struct account {
  lockstep::mutex mutex;
  long balance = 100;
};

std::atomic<int> first_locks_taken{0};

void transfer(account &from, account &to, long amount) {
  std::lock_guard<lockstep::mutex> lock_from(from.mutex);
  first_locks_taken.fetch_add(1);
  while (first_locks_taken.load() < 2) std::this_thread::yield();
  std::lock_guard<lockstep::mutex> lock_to(to.mutex);  // blocks for ever
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

int main() {
  account alice, bob;
  lockstep::thread a([&] { transfer(alice, bob, 10); });
  lockstep::thread b([&] { transfer(bob, alice, 5); });
  a.join();
  b.join();
  return 0;
}
