// Clean: fork/join in two phases: workers read the shared input written before they were
// created and write their own slots; the main thread reads the slots after joining them.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
constexpr int workers = 4;
int input = 0;
long slots[workers];
}  // namespace

int main() {
  long total = 0;
  for (int phase = 1; phase <= 2; ++phase) {
    LOCKSTEP_WRITE(input);
    input = phase * 10;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
      threads.emplace_back([w] {
        LOCKSTEP_READ(input);
        LOCKSTEP_WRITE(slots[w]);
        slots[w] = input + w;
      });
    for (auto &t : threads) t.join();
    for (long &s : slots) {
      LOCKSTEP_READ(s);
      total += s;
    }
  }
  return total == (10 * 4 + 6) + (20 * 4 + 6) ? 0 : 1;
}
