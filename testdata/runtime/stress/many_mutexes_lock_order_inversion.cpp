// Bug (lock-order-inversion): among 300 000 heap-allocated std::mutex, locked and nested pairwise
// in one consistent order by two threads, a third thread takes mutex 1 234 then mutex 287 654 and,
// after it was joined, a fourth takes them the other way round. The two never overlap in time, so
// the program does not hang; the inversion must still be found among the 300 000. Peak RSS above
// 1 GiB fails the program (exit 3).
#include <lockstep/lockstep.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int n = 300000;
constexpr int first = 1234, second = 287654;
constexpr long max_rss_kib = 1024L * 1024;  // 1 GiB

std::mutex total_mutex;
long total = 0;

void check_rss() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  if (ru.ru_maxrss > max_rss_kib) {
    std::fprintf(stderr, "many_mutexes_lock_order_inversion: peak RSS %ld KiB exceeds %ld KiB\n", ru.ru_maxrss,
                 max_rss_kib);
    std::exit(3);
  }
}

// Worker k takes the mutexes of its half, nesting neighbours lower index first.
void worker(std::vector<std::mutex *> &ms, int k) {
  const int begin = k * (n / 2), end = begin + n / 2;
  for (int i = begin; i < end; ++i) {
    {
      std::lock_guard<std::mutex> lock(*ms[i]);
      if (i % 64 == 0) {
        std::lock_guard<std::mutex> inner(total_mutex);
        LOCKSTEP_WRITE(total);
        ++total;
      }
    }
    if (i % 16 == 0 && i + 1 < end) {
      std::lock_guard<std::mutex> a(*ms[i]);
      std::lock_guard<std::mutex> b(*ms[i + 1]);
    }
  }
}

void take(std::mutex &a, std::mutex &b) {
  std::lock_guard<std::mutex> outer(a);
  std::lock_guard<std::mutex> inner(b);
}
}  // namespace

int main() {
  std::vector<std::mutex *> ms(n);
  for (auto &m : ms) m = new std::mutex;
  std::thread a(worker, std::ref(ms), 0), b(worker, std::ref(ms), 1);
  a.join();
  b.join();
  std::thread forward(take, std::ref(*ms[first]), std::ref(*ms[second]));
  forward.join();
  std::thread backward(take, std::ref(*ms[second]), std::ref(*ms[first]));  // the inversion
  backward.join();
  check_rss();
  for (auto *m : ms) delete m;
  return 0;
}
