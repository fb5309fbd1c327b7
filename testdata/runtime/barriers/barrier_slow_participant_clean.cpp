// Clean: the look-alike of the deadlock programs. Two participants wait at the barrier (and the
// main thread waits on a latch) for much longer than the runtime's deadlock-check interval, while
// the third participant is busy in calls the runtime does not see: a long sleep, then a read() on a
// pipe that a helper thread writes after its own sleep. Nothing is stuck for good, so nothing may be
// reported.
#include <lockstep/lockstep.hpp>

#include <unistd.h>

#include <chrono>
#include <thread>

// lockstep-options: deadlock_check_ms=20

namespace {
lockstep::barrier<> phase{3, "phase"};
lockstep::latch all_through{3, "all_through"};
int fds[2];
}  // namespace

int main() {
  if (pipe(fds) != 0) return 1;
  std::thread a([] {
    phase.arrive_and_wait();
    all_through.count_down();
  });
  std::thread b([] {
    phase.arrive_and_wait();
    all_through.count_down();
  });
  std::thread slow([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // unseen: a running thread
    char c;
    if (read(fds[0], &c, 1) != 1) return;  // blocked in a call the runtime does not see
    phase.arrive_and_wait();
    all_through.count_down();
  });
  std::thread writer([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    (void)!write(fds[1], "x", 1);
  });
  all_through.wait();
  writer.join();
  slow.join();
  a.join();
  b.join();
  return 0;
}
