// Clean look-alike of deposit_flag_handoff_data_race: the teller raises the flag under a mutex and
// the auditor polls it under the same mutex, so the deposit happens before the audit.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
long balance = 0;
bool deposited = false;
std::mutex flag_mutex;

__attribute__((noinline)) void update_balance(long amount) {
  LOCKSTEP_WRITE(balance);
  balance += amount;
}

__attribute__((noinline)) void apply_deposit(long amount) {
  update_balance(amount);
  asm volatile("" ::: "memory");
}

void teller_main() {
  apply_deposit(100);
  std::lock_guard<std::mutex> lock(flag_mutex);
  deposited = true;
}

__attribute__((noinline)) long audit_balance() {
  LOCKSTEP_READ(balance);
  return balance;
}

bool deposit_seen() {
  std::lock_guard<std::mutex> lock(flag_mutex);
  return deposited;
}

void auditor_main(long &seen) {
  while (!deposit_seen()) std::this_thread::yield();
  seen = audit_balance();
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
