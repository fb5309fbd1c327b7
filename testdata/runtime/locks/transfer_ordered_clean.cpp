// Clean: the look-alike of transfer_lock_order_inversion: locks are always taken in address
// order, so concurrent transfers in both directions agree on the order.
#include <lockstep/lockstep.hpp>

#include <functional>
#include <mutex>
#include <thread>

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

void transfer(account &from, account &to, long amount) {
  bool from_first = std::less<account *>{}(&from, &to);
  std::mutex &first = from_first ? from.mutex : to.mutex;
  std::mutex &second = from_first ? to.mutex : from.mutex;
  std::lock_guard<std::mutex> lock_first(first);
  std::lock_guard<std::mutex> lock_second(second);
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
