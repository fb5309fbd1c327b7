// Two coroutines bump one counter without a lock, each on a worker of its own (two schedulers of one
// thread each, so the two sides of the race run on different threads in every run). Each coroutine's
// suspensions and resumptions order its own steps, never one coroutine's against the other's, and
// the queues that move them are invisible: the race is reported.
// expect-stack: 0 bump
#include <lockstep/lockstep.hpp>

#include "scheduler.hpp"

namespace {

long counter = 0;

sched::job bump(sched::pool &pool, lockstep::latch &finished) {
  for (int i = 0; i < 20; ++i) {
    co_await pool.reschedule();  // on this coroutine's own worker
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    ++counter;
  }
  finished.count_down();
}

}  // namespace

int main() {
  lockstep::latch finished(2);
  sched::pool left(1), right(1);
  bump(left, finished);
  bump(right, finished);
  finished.wait();
  return 0;
}
