// Clean: two transfers take the spinlocks of two accounts always in the same order (by address),
// concurrently: no inversion, no race.
#include <lockstep/lockstep.hpp>

#include <pthread.h>
#include <thread>

namespace {
struct account {
  pthread_spinlock_t lock;
  long balance = 100;
};
account checking, savings;

void transfer(account &from, account &to, long amount) {
  account &first = &from < &to ? from : to;
  account &second = &from < &to ? to : from;
  pthread_spin_lock(&first.lock);
  pthread_spin_lock(&second.lock);
  LOCKSTEP_WRITE(from.balance);
  from.balance -= amount;
  LOCKSTEP_WRITE(to.balance);
  to.balance += amount;
  pthread_spin_unlock(&second.lock);
  pthread_spin_unlock(&first.lock);
}
}  // namespace

int main() {
  pthread_spin_init(&checking.lock, PTHREAD_PROCESS_PRIVATE);
  pthread_spin_init(&savings.lock, PTHREAD_PROCESS_PRIVATE);
  std::thread a([] {
    for (int i = 0; i < 200; ++i) transfer(checking, savings, 1);
  });
  std::thread b([] {
    for (int i = 0; i < 200; ++i) transfer(savings, checking, 1);
  });
  a.join();
  b.join();
  return checking.balance + savings.balance == 200 ? 0 : 1;
}
