// Clean: a function-local static built on first use by whichever thread gets there first
// (__cxa_guard_acquire/release) and read by all of them.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
struct registry {
  int entries[4];
  registry() {
    for (int i = 0; i < 4; ++i) {
      LOCKSTEP_WRITE(entries[i]);
      entries[i] = i + 1;
    }
  }
};

const registry &instance() {
  static registry r;  // thread-safe initialization
  return r;
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  std::vector<int> sums(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &sums] {
      const registry &r = instance();
      int sum = 0;
      for (const int &e : r.entries) {
        LOCKSTEP_READ(e);
        sum += e;
      }
      LOCKSTEP_WRITE(sums[t]);
      sums[t] = sum;
    });
  for (auto &th : threads) th.join();
  for (int s : sums)
    if (s != 10) return 1;
  return 0;
}
