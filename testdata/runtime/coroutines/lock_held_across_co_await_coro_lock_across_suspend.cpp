// A coroutine keeps a lock_guard alive across a co_await that moves it to another worker: the mutex
// stays locked while the coroutine is suspended, and is unlocked by whichever thread resumed it.
// Reported once, at the suspension, as coro-lock-across-suspend (with where the lock was taken), and
// not again as an unlock by a thread that does not own the mutex.
// expect-stack: 0 update_under_lock
// expect-acquired-stack: 0 update_under_lock
#include <lockstep/lockstep.hpp>

#include <mutex>

#include "scheduler.hpp"

namespace {

std::mutex config_mu;
int config = 0;

sched::job update_under_lock(sched::pool &pool, lockstep::latch &finished) {
  {
    std::lock_guard<std::mutex> g(config_mu);
    LOCKSTEP_WRITE(config);
    config = 1;
    co_await pool.reschedule();  // suspends holding config_mu
    LOCKSTEP_WRITE(config);
    config = 2;
  }
  finished.count_down();
}

}  // namespace

int main() {
  lockstep::latch finished(1);
  sched::pool pool(2);
  update_under_lock(pool, finished);
  finished.wait();
  std::lock_guard<std::mutex> g(config_mu);
  LOCKSTEP_READ(config);
  return config == 2 ? 0 : 1;
}
