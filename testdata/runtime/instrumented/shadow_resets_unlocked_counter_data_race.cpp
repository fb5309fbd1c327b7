// Unannotated code, built with lockstep_instrument, run with options that empty the instrumented
// shadow every few operations (a new shadow id at every epoch, only 6 ids): a counter that two
// threads increment without the mutex they both take for something else. Each reset forgets the
// counter's history, but the race happens again after it and is found there (a reset only costs
// the races whose two accesses it separates). The ordered look-alike: shadow_resets_handoffs_norace.cpp.
// lockstep-options: shadow_id_epochs=1:shadow_ids=6
// expect-stack: 0 bump
// expect-stack: 1 bump
#include <mutex>
#include <thread>

namespace {
std::mutex other_mutex;
long other = 0;
long counter = 0;

void bump() {
  for (int i = 0; i < 20000; ++i) {
    ++counter;  // not under other_mutex
    std::lock_guard<std::mutex> g(other_mutex);
    ++other;
  }
}
}  // namespace

int main() {
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  return other == 40000 ? 0 : 1;
}
