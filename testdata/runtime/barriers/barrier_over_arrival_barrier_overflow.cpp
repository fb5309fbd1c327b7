// Bug (barrier-overflow): a barrier of three participants; the main thread arrives for two
// (arrive(2)), then a worker also arrives for two: the phase had one arrival left and gets two.
// The runtime reports the arrival too many; the drop-in barrier counts it as the one left, so the
// phase completes, both waits return and the program goes on.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::barrier<> gate{3, "gate"};

__attribute__((noinline)) void arrive_for_two() {
  gate.wait(gate.arrive(2));
  asm volatile("" ::: "memory");
}
}  // namespace

// expect-stack: 0 arrive_for_two
// expect-reports: 1

int main() {
  auto token = gate.arrive(2);  // one arrival left in phase 0
  std::thread worker(arrive_for_two);
  gate.wait(std::move(token));
  worker.join();
  return 0;
}
