// Bug (barrier-overflow): the completion function arrives at its own barrier (it calls a helper that
// "checks in" each phase). The phase is complete and the next has not begun: the runtime reports it;
// the drop-in barrier ignores that arrival (a wait for it returns at once), so nothing hangs.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
void check_in();

struct on_phase_done {
  void operator()() noexcept { check_in(); }
};
lockstep::barrier<on_phase_done> phases{2, "phases"};

void check_in() { phases.arrive_and_wait(); }
}  // namespace

// Either thread may run the completion: one report per thread stack.
// expect-reports: 1..2

int main() {
  std::thread worker([] {
    for (int p = 0; p < 3; ++p) phases.arrive_and_wait();
  });
  for (int p = 0; p < 3; ++p) phases.arrive_and_wait();
  worker.join();
  return 0;
}
