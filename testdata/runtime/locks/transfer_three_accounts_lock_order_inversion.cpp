// Bug (lock-order-inversion): three transfers around a ring (A->B, B->C, C->A) form a cycle of
// three lock-order edges, though no two transfers invert the same pair.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
struct account {
  lockstep::mutex mutex;
  long balance = 100;
};

void transfer(account &from, account &to, long amount) {
  std::lock_guard<lockstep::mutex> lock_from(from.mutex);
  std::lock_guard<lockstep::mutex> lock_to(to.mutex);
  LOCKSTEP_WRITE(from.balance);
  LOCKSTEP_WRITE(to.balance);
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

int main() {
  account a, b, c;
  lockstep::thread t1([&] { transfer(a, b, 1); });
  t1.join();
  lockstep::thread t2([&] { transfer(b, c, 1); });
  t2.join();
  lockstep::thread t3([&] { transfer(c, a, 1); });
  t3.join();
  return 0;
}
