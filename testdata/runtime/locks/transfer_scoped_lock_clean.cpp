// Clean: std::scoped_lock takes both mutexes with a deadlock-avoidance algorithm (lock one,
// try_lock the rest, back off), so opposite argument orders are no inversion.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

void transfer(account &from, account &to, long amount) {
  std::scoped_lock lock(from.mutex, to.mutex);
  LOCKSTEP_WRITE(from.balance);
  LOCKSTEP_WRITE(to.balance);
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

int main() {
  account alice, bob;
  std::thread a([&] {
    for (int i = 0; i < 100; ++i) transfer(alice, bob, 1);
  });
  std::thread b([&] {
    for (int i = 0; i < 100; ++i) transfer(bob, alice, 1);
  });
  a.join();
  b.join();
  LOCKSTEP_READ(alice.balance);
  return alice.balance == 100 ? 0 : 1;
}
