// Coroutines migrate between the workers of a scheduler through a lock-free queue the runtime does
// not see; each keeps its own annotated state across the moves, and all of them add to a total under
// a mutex. Everything is ordered (by the coroutine's own suspension and resumption, and by the
// mutex): no report.
#include <lockstep/lockstep.hpp>

#include <mutex>

#include "scheduler.hpp"

namespace {

constexpr int coroutines = 16, steps = 50;

struct account {
  long balance = 0;
};

std::mutex total_mu;
long total = 0;

sched::job walk(sched::pool &pool, account &mine, lockstep::latch &finished) {
  for (int i = 0; i < steps; ++i) {
    co_await pool.reschedule();  // continues on some worker
    LOCKSTEP_READ(mine.balance);
    LOCKSTEP_WRITE(mine.balance);
    mine.balance += i;
    std::lock_guard<std::mutex> g(total_mu);
    LOCKSTEP_WRITE(total);
    total += i;
  }
  finished.count_down();
}

}  // namespace

int main() {
  account accounts[coroutines];
  lockstep::latch finished(coroutines);
  {
    sched::pool pool(3);
    for (account &a : accounts) {
      LOCKSTEP_WRITE(a.balance);
      a.balance = 1;  // before the coroutine is created: ordered before all it does
      walk(pool, a, finished);
    }
    finished.wait();
  }
  long sum = 0;
  for (account &a : accounts) {
    LOCKSTEP_READ(a.balance);
    sum += a.balance;
  }
  std::lock_guard<std::mutex> g(total_mu);
  LOCKSTEP_READ(total);
  return sum == coroutines * (1 + steps * (steps - 1) / 2) && total == coroutines * (steps * (steps - 1) / 2) ? 0 : 1;
}
