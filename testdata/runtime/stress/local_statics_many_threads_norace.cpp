// Clean: 16 threads race to first use 64 different function-local statics, each thread in its own
// order, and read what the winning thread's constructor wrote. Whether a thread runs the
// constructor, waits for another thread running it, or finds the static long ready, the
// initialization happens before its reads (__cxa_guard_acquire/release): nothing may be reported.
// 64 fresh initializations per run make a guard path that skips the happens-before visible.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cstdio>
#include <thread>
#include <utility>
#include <vector>

namespace {
constexpr int threads = 16;
constexpr int statics = 64;

struct table {
  int values[6];
  explicit table(int seed) {
    for (int i = 0; i < 6; ++i) {
      LOCKSTEP_WRITE(values[i]);
      values[i] = seed + i;
    }
  }
};

template <int N> const table &instance() {
  static table t(N * 100);  // thread-safe initialization on first use
  return t;
}

using getter = const table &(*)();
template <int... N> std::vector<getter> all_getters(std::integer_sequence<int, N...>) { return {&instance<N>...}; }

std::atomic<int> ready{0};
long sums[threads];
}  // namespace

int main() {
  const std::vector<getter> getters = all_getters(std::make_integer_sequence<int, statics>{});
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([t, &getters] {
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();  // start together: real races
      long sum = 0;
      for (int k = 0; k < statics; ++k) {
        const int n = (k * 7 + t * 13) % statics;  // a different order per thread
        const table &tab = getters[n]();
        for (const int &v : tab.values) {
          LOCKSTEP_READ(v);
          sum += v;
        }
      }
      LOCKSTEP_WRITE(sums[t]);
      sums[t] = sum;
    });
  }
  for (auto &th : pool) th.join();
  long expected = 0;
  for (int n = 0; n < statics; ++n)
    for (int i = 0; i < 6; ++i) expected += n * 100 + i;
  for (const long &s : sums) {
    LOCKSTEP_READ(s);
    if (s != expected) {
      std::fprintf(stderr, "local_statics_many_threads_norace: sum %ld, expected %ld\n", s, expected);
      return 1;
    }
  }
  return 0;
}
