// Bug (lock-order-inversion): transfer(a, b) locks the source then the destination, so two
// transfers in opposite directions take the same two mutexes in opposite orders. This run does
// not deadlock (the transfers run one after the other), but another schedule would.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

void transfer(account &from, account &to, long amount) {
  std::lock_guard<std::mutex> lock_from(from.mutex);
  std::lock_guard<std::mutex> lock_to(to.mutex);
  LOCKSTEP_WRITE(from.balance);
  LOCKSTEP_WRITE(to.balance);
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

int main() {
  account alice, bob;
  std::thread first([&] { transfer(alice, bob, 10); });
  first.join();
  std::thread second([&] { transfer(bob, alice, 5); });
  second.join();
  return 0;
}
