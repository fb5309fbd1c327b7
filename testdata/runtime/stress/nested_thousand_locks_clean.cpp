// Scale (issue 8): 50,000 std::mutex locked 1,000 at a time, nested, always in the same order (no inversion).
// Lock-order bookkeeping must grow with the number of acquisitions, not with acquisitions times the locks held:
// before, every acquisition added an edge from each of the (up to 64) held locks, each edge carrying the other
// 63 as its gates, and this program took well over 30 s and half a GiB. Exits 3 when peak RSS tops 256 MiB.
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace {
constexpr long mutex_count = 50000;
constexpr long nesting = 1000;
}  // namespace

int main() {
  std::unique_ptr<std::mutex[]> mutexes(new std::mutex[mutex_count]);
  for (long batch = 0; batch + nesting <= mutex_count; batch += nesting) {
    for (long i = 0; i < nesting; ++i) mutexes[batch + i].lock();
    for (long i = nesting; i-- > 0;) mutexes[batch + i].unlock();
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  if (usage.ru_maxrss > 256 * 1024) {  // KiB
    std::fprintf(stderr, "peak RSS %ld KiB is over 256 MiB\n", usage.ru_maxrss);
    return 3;
  }
  return 0;
}
