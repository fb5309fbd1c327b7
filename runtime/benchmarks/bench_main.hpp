// The main() of the runtime benchmarks: registers the workloads of one table, runs them, and then prints the
// process's peak resident set size on stderr as `peak_rss_kb=N` (read by tools/bench/runtime-bench).
//
// Besides Google Benchmark's flags: --lockstep_bench_iterations=N runs exactly N iterations per thread of every
// workload instead of timing-driven counts, so that instruction counts (tools/bench/runtime-profile) are per operation.
#pragma once

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lockstep_bench {

struct workload {
  const char* name;
  void (*run)(benchmark::State&);
  int threads;  // > 1: Google Benchmark's ->Threads(n), measured in wall-clock time (CPU time would hide blocking)
};

inline constexpr const char iterations_flag[] = "--lockstep_bench_iterations=";

// Removes --lockstep_bench_iterations=N from argv (Google Benchmark rejects flags it does not know) and returns N, 0
// when absent, -1 when malformed.
inline long take_iterations_flag(int& argc, char** argv) {
  long iterations = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], iterations_flag, sizeof iterations_flag - 1) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    const char* value = argv[i] + sizeof iterations_flag - 1;
    char* end = nullptr;
    errno = 0;
    iterations = std::strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || iterations <= 0) {
      std::fprintf(stderr, "%s: %s needs a positive number of iterations, not '%s'\n", argv[0], iterations_flag, value);
      return -1;
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  return iterations;
}

template <std::size_t N> int run(int argc, char** argv, const workload (&workloads)[N], const char* variant) {
  const long iterations = take_iterations_flag(argc, argv);
  if (iterations < 0) return 2;
  for (const workload& w : workloads) {
    benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(w.name, w.run);
    if (w.threads > 1) b->Threads(w.threads)->UseRealTime();
    if (iterations > 0) b->Iterations(iterations);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("lockstep_bench_variant", variant);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // Peak memory of the whole process, shadow memory of the race detector included.
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) {
    std::perror("getrusage");
    return 1;
  }
  std::fprintf(stderr, "peak_rss_kb=%ld\n", usage.ru_maxrss);
  return 0;
}

}  // namespace lockstep_bench
