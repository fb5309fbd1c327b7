// Bug (lock-order-inversion): the source account is locked inside a helper (take_source) that
// returns with the lock held; the caller then locks the destination. Two transfers in opposite
// directions take the two mutexes in opposite orders. The report must show, for each edge, where
// the first lock was acquired (inside take_source, called from transfer_locked, from each teller),
// although take_source had returned by the time the second lock was taken.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

// expect-stack: 0 transfer_locked
// expect-stack: 1 transfer_locked
// expect-acquired-stack: 0 take_source
// expect-acquired-stack: 0 transfer_locked
// expect-acquired-stack: 0 teller_two
// expect-acquired-stack: 1 take_source
// expect-acquired-stack: 1 teller_one

namespace {
struct account {
  std::mutex mutex;
  long balance = 100;
};

__attribute__((noinline)) void take_source(account &a) {
  a.mutex.lock();
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void transfer_locked(account &from, account &to, long amount) {
  take_source(from);
  {
    std::lock_guard<std::mutex> lock_to(to.mutex);
    LOCKSTEP_WRITE(from.balance);
    LOCKSTEP_WRITE(to.balance);
    from.balance -= amount;
    to.balance += amount;
  }
  from.mutex.unlock();
}

__attribute__((noinline)) void teller_one(account &a, account &b) {
  transfer_locked(a, b, 10);
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void teller_two(account &a, account &b) {
  transfer_locked(b, a, 5);
  asm volatile("" ::: "memory");
}
}  // namespace

int main() {
  account alice, bob;
  std::thread first(teller_one, std::ref(alice), std::ref(bob));
  first.join();
  std::thread second(teller_two, std::ref(alice), std::ref(bob));
  second.join();
  return 0;
}
