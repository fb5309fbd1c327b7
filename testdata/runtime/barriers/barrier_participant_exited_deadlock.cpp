// Bug (deadlock): a barrier of three participants, but one worker returns early (an error path)
// without arriving or dropping out: the other two wait for the phase for ever, and the main thread
// waits to join them. Every thread is stuck in a wait the runtime sees: a deadlock is reported and
// the process ends instead of hanging.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::barrier<> phase{3, "phase"};

void worker(bool fail) {
  if (fail) return;  // should have been phase.arrive_and_drop()
  phase.arrive_and_wait();
}
}  // namespace

int main() {
  std::thread a(worker, false), b(worker, false), c(worker, true);
  c.join();
  a.join();
  b.join();
  return 0;
}
