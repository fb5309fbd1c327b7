// Bug (latch-underflow): a latch sized for three workers is counted down by four (one worker too
// many was started): the fourth count_down() takes the count below zero. The runtime reports it;
// the drop-in latch stays at zero, so the waiters still return and the program goes on.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
lockstep::latch ready{3, "ready"};
}  // namespace

// expect-reports: 1

int main() {
  for (int w = 0; w < 4; ++w) {
    std::thread t([] { ready.count_down(); });
    t.join();  // one after the other: the fourth is the one that underflows
  }
  ready.wait();
  return 0;
}
