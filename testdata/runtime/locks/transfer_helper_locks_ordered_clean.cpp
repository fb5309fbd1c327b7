// Clean look-alike of transfer_helper_locks_lock_order_inversion: the same helper takes the first
// lock and returns with it held, but every transfer locks the two accounts in one global order (by
// address), so the lock-order graph has no cycle.
#include <lockstep/lockstep.hpp>

#include <functional>
#include <mutex>
#include <thread>

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

__attribute__((noinline)) void take_first(account &a) {
  a.mutex.lock();
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void transfer_ordered(account &from, account &to, long amount) {
  account &first = std::less<account *>()(&from, &to) ? from : to;
  account &second = &first == &from ? to : from;
  take_first(first);
  {
    std::lock_guard<std::mutex> lock_second(second.mutex);
    LOCKSTEP_WRITE(from.balance);
    LOCKSTEP_WRITE(to.balance);
    from.balance -= amount;
    to.balance += amount;
  }
  first.mutex.unlock();
}
}  // namespace

int main() {
  account alice, bob;
  std::thread one([&] { transfer_ordered(alice, bob, 10); });
  std::thread two([&] { transfer_ordered(bob, alice, 5); });
  one.join();
  two.join();
  return 0;
}
