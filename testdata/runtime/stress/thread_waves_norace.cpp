// Clean: 4000 short-lived threads in waves of 100 (thread slots are reused 40 times), each writing
// its own slot, a mutex-protected total and reading what main published before the wave started.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int waves = 40, per_wave = 100, n = waves * per_wave;
std::mutex total_mutex;
long total = 0;
int wave_seed = 0;  // written by main between waves, read by that wave's threads
int slots[n];
}  // namespace

int main() {
  for (int w = 0; w < waves; ++w) {
    LOCKSTEP_WRITE(wave_seed);
    wave_seed = w;  // ordered before the wave's reads by thread creation, after the last wave's by joins
    std::vector<std::thread> threads;
    threads.reserve(per_wave);
    for (int i = 0; i < per_wave; ++i) {
      const int id = w * per_wave + i;
      threads.emplace_back([id] {
        LOCKSTEP_READ(wave_seed);
        LOCKSTEP_WRITE(slots[id]);
        slots[id] = wave_seed * per_wave + id % per_wave;
        std::lock_guard<std::mutex> lock(total_mutex);
        LOCKSTEP_READ(total);
        LOCKSTEP_WRITE(total);
        total += 1;
      });
    }
    for (auto &t : threads) t.join();
  }
  long sum = 0;
  for (int &s : slots) {
    LOCKSTEP_READ(s);
    sum += s;
  }
  LOCKSTEP_READ(total);
  if (total != n || sum != static_cast<long>(n) * (n - 1) / 2) {
    std::fprintf(stderr, "thread_waves_norace: wrong results (total %ld, sum %ld)\n", total, sum);
    return 1;
  }
  return 0;
}
