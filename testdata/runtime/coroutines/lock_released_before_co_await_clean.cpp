// The look-alike that is fine: the coroutine unlocks (unique_lock::unlock, an inner scope) before
// each co_await, and locks again after it, on whichever worker it then runs.
#include <lockstep/lockstep.hpp>

#include <mutex>

#include "scheduler.hpp"

namespace {

std::mutex config_mu;
int config = 0;

sched::job update(sched::pool &pool, lockstep::latch &finished) {
  std::unique_lock<std::mutex> lk(config_mu);
  LOCKSTEP_WRITE(config);
  ++config;
  lk.unlock();
  co_await pool.reschedule();
  lk.lock();
  LOCKSTEP_WRITE(config);
  ++config;
  lk.unlock();
  {
    std::lock_guard<std::mutex> g(config_mu);
    LOCKSTEP_WRITE(config);
    ++config;
  }
  co_await pool.reschedule();
  finished.count_down();
}

}  // namespace

int main() {
  lockstep::latch finished(4);
  sched::pool pool(2);
  for (int i = 0; i < 4; ++i) update(pool, finished);
  finished.wait();
  std::lock_guard<std::mutex> g(config_mu);
  LOCKSTEP_READ(config);
  return config == 12 ? 0 : 1;
}
