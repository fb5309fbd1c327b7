// Clean: the look-alike of the barrier-overflow programs. Three workers share a barrier; one leaves
// after two phases with arrive_and_drop(), the others go on for five phases with one participant
// fewer, and a completion function counts the phases. Every arrival fits its phase.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
int phases_done = 0;
struct count_phase {
  void operator()() noexcept {
    LOCKSTEP_WRITE(phases_done);
    ++phases_done;
  }
};
lockstep::barrier<count_phase> step{3, "step"};
}  // namespace

int main() {
  std::vector<std::thread> ts;
  ts.emplace_back([] {
    for (int p = 0; p < 2; ++p) step.arrive_and_wait();
    step.arrive_and_drop();
  });
  for (int w = 0; w < 2; ++w)
    ts.emplace_back([] {
      for (int p = 0; p < 5; ++p) step.arrive_and_wait();
    });
  for (auto &t : ts) t.join();
  LOCKSTEP_READ(phases_done);
  return phases_done == 5 ? 0 : 1;
}
