// Clean: 3000 threads live at once (issue 8). Each starts, locks one mutex, records its arrival in
// annotated memory and waits on one condition variable until the last has started; all are then
// woken, leave, and are joined. Every thread acquires the mutex all the others released, so every
// thread's vector clock knows every thread: the runtime must keep that linear in the number of
// threads (before: 3000 clocks of 3000 entries, plus a 12 KiB thread record each). Exits 3 when
// the peak RSS grew by more than 32 KiB per thread (plain: 8 KiB, lockstep before the change: 41,
// after: 18).
#include <lockstep/lockstep.hpp>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int n = 3000;
constexpr long max_kib_per_thread = 32;
std::mutex m;
std::condition_variable all_started;
int started = 0;       // guarded by m
int arrival[n];        // written by thread i under m, read by main after the joins
int woken = 0;         // guarded by m

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}
}  // namespace

int main() {
  // With transparent huge pages set to "always", a touched thread stack can
  // fault in 2 MiB: the per-thread bound is about the runtime, not the kernel.
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  const long before = peak_rss_kib();
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i)
    threads.emplace_back([i] {
      std::unique_lock<std::mutex> lock(m);
      LOCKSTEP_READ(started);
      LOCKSTEP_WRITE(started);
      LOCKSTEP_WRITE(arrival[i]);
      arrival[i] = started++;
      if (started == n)
        all_started.notify_all();
      else
        all_started.wait(lock, [] {
          LOCKSTEP_READ(started);
          return started == n;
        });
      LOCKSTEP_READ(woken);
      LOCKSTEP_WRITE(woken);
      ++woken;
    });
  for (auto &t : threads) t.join();
  long sum = 0;
  for (int &a : arrival) {
    LOCKSTEP_READ(a);
    sum += a;
  }
  LOCKSTEP_READ(woken);
  if (woken != n || sum != static_cast<long>(n) * (n - 1) / 2) {
    std::fprintf(stderr, "live_threads_norace: wrong results (woken %d, sum %ld)\n", woken, sum);
    return 1;
  }
  const long grown = peak_rss_kib() - before;
  if (std::getenv("LIVE_THREADS_PRINT")) std::fprintf(stderr, "%ld KiB, %ld KiB per thread\n", grown, grown / n);
  if (grown > max_kib_per_thread * n) {
    std::fprintf(stderr, "peak RSS grew by %ld KiB for %d live threads: over %ld KiB per thread\n", grown, n,
                 max_kib_per_thread);
    return 3;
  }
  return 0;
}
