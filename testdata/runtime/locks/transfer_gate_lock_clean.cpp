// Clean: transfers take the two account mutexes in either order, but always under one common
// "bank" mutex (a gate lock), so the inversion can never deadlock and is not reported.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex bank_mutex;
struct account {
  std::mutex mutex;
  long balance = 100;
};

void transfer(account &from, account &to, long amount) {
  std::lock_guard<std::mutex> gate(bank_mutex);
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
  std::thread a([&] {
    for (int i = 0; i < 50; ++i) transfer(alice, bob, 1);
  });
  std::thread b([&] {
    for (int i = 0; i < 50; ++i) transfer(bob, alice, 1);
  });
  a.join();
  b.join();
  LOCKSTEP_READ(alice.balance);
  return alice.balance == 100 ? 0 : 1;
}
