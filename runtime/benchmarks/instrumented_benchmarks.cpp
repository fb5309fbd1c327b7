// Workloads for the compilers' thread instrumentation: unannotated code whose every access is checked, built three
// ways from this one source (plain; -fsanitize=thread with ThreadSanitizer's runtime; lockstep_instrument, i.e.
// -fsanitize=thread with liblockstep as the runtime) and run side by side by `tools/bench/runtime-bench --suite
// instrumented`.
//
// Memory-bound: a histogram of a large array and a stencil over one, each thread on its own half (the accesses
// dominate; the only synchronization is Google Benchmark's own and, for the stencil, a std::barrier per sweep).
// Container-heavy: a std::map and a std::unordered_map shared under a std::mutex (the accesses are the containers'
// own, inside a critical section).
#include <benchmark/benchmark.h>

#include <barrier>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bench_main.hpp"

namespace {

constexpr int threads = 2;

// --- memory-bound -------------------------------------------------------------------------------------------------
constexpr std::size_t histogram_bytes = std::size_t{1} << 20;  // per thread
const std::vector<std::uint8_t>& histogram_input() {
  static const std::vector<std::uint8_t> input = [] {
    std::vector<std::uint8_t> v(histogram_bytes * threads);
    std::uint32_t x = 12345;
    for (auto& b : v) {
      x = x * 1664525u + 1013904223u;
      b = static_cast<std::uint8_t>(x >> 24);
    }
    return v;
  }();
  return input;
}

// One operation: a histogram of 4 KiB of my half into my own bins.
void bm_histogram(benchmark::State& state) {
  const std::vector<std::uint8_t>& input = histogram_input();
  const std::size_t base = static_cast<std::size_t>(state.thread_index()) * histogram_bytes;
  std::vector<std::uint32_t> bins(256);
  std::size_t at = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < 4096; ++i) ++bins[input[base + at + i]];
    at = (at + 4096) % histogram_bytes;
  }
  benchmark::DoNotOptimize(bins.data());
}

constexpr std::size_t stencil_cells = std::size_t{1} << 16;
std::vector<double> stencil_a(stencil_cells, 1.0), stencil_b(stencil_cells, 2.0);
std::barrier<> stencil_sweep(threads);

// One operation: my half of one sweep of a 3-point stencil (a -> b, then b -> a on the next), then the barrier.
void bm_stencil(benchmark::State& state) {
  const std::size_t half = stencil_cells / threads;
  const std::size_t lo = static_cast<std::size_t>(state.thread_index()) * half, hi = lo + half;
  bool forward = true;
  for (auto _ : state) {
    const std::vector<double>& in = forward ? stencil_a : stencil_b;
    std::vector<double>& out = forward ? stencil_b : stencil_a;
    for (std::size_t i = lo; i < hi; ++i) {
      const std::size_t l = i ? i - 1 : i, r = i + 1 < stencil_cells ? i + 1 : i;
      out[i] = (in[l] + in[i] + in[r]) / 3.0;
    }
    stencil_sweep.arrive_and_wait();
    forward = !forward;
  }
}

// --- container-heavy ----------------------------------------------------------------------------------------------
std::mutex map_mu;
std::map<int, long> ordered;
std::unordered_map<int, long> hashed;

template <class Map> void map_operations(benchmark::State& state, Map& map) {
  std::uint32_t x = 7u + static_cast<std::uint32_t>(state.thread_index());
  for (auto _ : state) {
    x = x * 1664525u + 1013904223u;
    const int key = static_cast<int>(x >> 20);  // 4096 keys
    std::lock_guard<std::mutex> g(map_mu);
    if ((x & 3) == 0)
      map.erase(key);
    else
      map[key] += 1;
  }
}
// One operation: lock, insert/update or erase one of 4096 keys, unlock.
void bm_map_under_mutex(benchmark::State& state) { map_operations(state, ordered); }
void bm_unordered_map_under_mutex(benchmark::State& state) { map_operations(state, hashed); }

constexpr lockstep_bench::workload workloads[] = {
    {"histogram", bm_histogram, threads},
    {"stencil", bm_stencil, threads},
    {"map_under_mutex", bm_map_under_mutex, threads},
    {"unordered_map_under_mutex", bm_unordered_map_under_mutex, threads},
};

}  // namespace

int main(int argc, char** argv) { return lockstep_bench::run(argc, argv, workloads, LOCKSTEP_BENCH_VARIANT); }
