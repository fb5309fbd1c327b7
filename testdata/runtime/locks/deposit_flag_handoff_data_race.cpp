// Bug (data-race): a teller thread deposits through two helpers, then raises a relaxed atomic flag;
// the auditor spins on the flag and reads the balance. A relaxed flag orders nothing (the C++
// memory model calls this a data race too), so the read races with the deposit. The report must
// show the earlier write with its whole stack, through both helpers, although the teller thread
// may have finished by the time the auditor reads.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <thread>

// expect-stack: 0 audit_balance
// expect-stack: 0 auditor_main
// expect-stack: 1 update_balance
// expect-stack: 1 apply_deposit
// expect-stack: 1 teller_main

namespace {
long balance = 0;
std::atomic<bool> deposited{false};

__attribute__((noinline)) void update_balance(long amount) {
  LOCKSTEP_WRITE(balance);
  balance += amount;
}

__attribute__((noinline)) void apply_deposit(long amount) {
  update_balance(amount);
  asm volatile("" ::: "memory");  // keeps this frame: no tail call
}

__attribute__((noinline)) void teller_main() {
  apply_deposit(100);
  deposited.store(true, std::memory_order_relaxed);
}

__attribute__((noinline)) long audit_balance() {
  LOCKSTEP_READ(balance);
  return balance;
}

__attribute__((noinline)) void auditor_main(long &seen) {
  while (!deposited.load(std::memory_order_relaxed)) std::this_thread::yield();
  seen = audit_balance();
  asm volatile("" ::: "memory");
}
}  // namespace

int main() {
  long seen = 0;
  std::thread teller(teller_main);
  std::thread auditor(auditor_main, std::ref(seen));
  teller.join();
  auditor.join();
  return seen == 100 ? 0 : 1;
}
