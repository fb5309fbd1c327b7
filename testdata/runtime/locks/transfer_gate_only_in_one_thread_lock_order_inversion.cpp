// Bug (lock-order-inversion): like transfer_gate_lock_clean, but the refund path forgets the
// bank-wide gate lock, so the gate no longer guards every edge of the cycle.
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

void refund(account &from, account &to, long amount) {  // no gate
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
  std::thread a([&] { transfer(alice, bob, 10); });
  a.join();
  std::thread b([&] { refund(bob, alice, 10); });
  b.join();
  return 0;
}
