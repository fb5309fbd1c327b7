// Bug (deadlock): a latch expects three workers to count down, but only two are started (the third
// was forgotten); they finish, the reporter thread waits on the latch for ever, and the main thread
// waits to join it. No running thread is left that could count the latch down: the runtime reports
// a deadlock and ends the process.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::latch workers_done{3, "workers_done"};

__attribute__((noinline)) void report_when_done() {
  workers_done.wait();  // never opens
  asm volatile("" ::: "memory");
}
}  // namespace

int main() {
  std::thread a([] { workers_done.count_down(); });
  std::thread b([] { workers_done.count_down(); });
  a.join();
  b.join();
  std::thread reporter(report_when_done);
  reporter.join();
  return 0;
}
