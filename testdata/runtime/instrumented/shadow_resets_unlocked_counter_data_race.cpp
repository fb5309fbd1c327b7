// Unannotated code, built with lockstep_instrument, run with options that empty the instrumented
// shadow every few operations (a new shadow id at every epoch, only 6 ids): a counter that two
// threads increment under a mutex for a while, then without it. Each reset forgets the counter's
// history, but the race that begins after many resets is found (a reset only costs the races whose
// two accesses it separates). The threads take turns through a relaxed atomic, which orders
// nothing: between the two unlocked increments of a turn no thread releases anything (no reset can
// fall between them), so the race happens on every run whatever the scheduler does (a free-running
// version went unreported when one thread's whole loop ran while the other waited for a core).
// The ordered look-alike: shadow_resets_handoffs_norace.cpp.
// lockstep-options: shadow_id_epochs=1:shadow_ids=6
// expect-stack: 0 bump
// expect-stack: 1 bump
#include <atomic>
#include <mutex>
#include <thread>

namespace {
constexpr unsigned kOrderedRounds = 200, kRounds = 400;

std::mutex counter_mutex;
long counter = 0;
std::atomic<unsigned> step{0};  // relaxed only: whose turn it is, and no happens-before

void wait_for(unsigned s) {
  while (step.load(std::memory_order_relaxed) != s) std::this_thread::yield();
}

// `me` is 0 or 1. A round: thread 0 increments, thread 1 increments, then each takes the mutex
// once more (releases: new ids, resets), in turn.
void bump(unsigned me) {
  for (unsigned round = 0; round < kRounds; ++round) {
    wait_for(4 * round + me);
    if (round < kOrderedRounds) {
      std::lock_guard<std::mutex> g(counter_mutex);
      ++counter;
    } else {
      ++counter;  // not under counter_mutex
    }
    step.store(4 * round + me + 1, std::memory_order_relaxed);
    wait_for(4 * round + 2 + me);
    { std::lock_guard<std::mutex> g(counter_mutex); }
    step.store(4 * round + 3 + me, std::memory_order_relaxed);
  }
}
}  // namespace

int main() {
  std::thread a(bump, 0u), b(bump, 1u);
  a.join();
  b.join();
  return counter == 2 * kRounds ? 0 : 1;
}
