// Bug (lock-order-inversion): two transfers take the spinlocks of two accounts in opposite orders.
// They run one after the other, so this run does not deadlock, but another schedule would.
#include <lockstep/lockstep.hpp>

#include <pthread.h>
#include <thread>

namespace {
struct account {
  pthread_spinlock_t lock;
  long balance = 100;
};
account checking, savings;

__attribute__((noinline)) void transfer(account &from, account &to, long amount) {
  pthread_spin_lock(&from.lock);
  pthread_spin_lock(&to.lock);
  LOCKSTEP_WRITE(from.balance);
  from.balance -= amount;
  LOCKSTEP_WRITE(to.balance);
  to.balance += amount;
  pthread_spin_unlock(&to.lock);
  pthread_spin_unlock(&from.lock);
}
}  // namespace

// expect-stack: 0 transfer
int main() {
  pthread_spin_init(&checking.lock, PTHREAD_PROCESS_PRIVATE);
  pthread_spin_init(&savings.lock, PTHREAD_PROCESS_PRIVATE);
  std::thread first([] { transfer(checking, savings, 10); });
  first.join();
  std::thread second([] { transfer(savings, checking, 5); });
  second.join();
  return 0;
}
