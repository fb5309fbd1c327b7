// Clean: 300 000 mutexes at once, twice over, on two threads: heap-allocated std::mutex locked,
// some nested pairwise (always the lower address first) and some nested around a shared total,
// then deleted and their storage reused; and 100 000 pthread mutexes initialized, nested in one
// order, destroyed, re-initialized in the same storage and nested in the opposite order (destroy
// is visible, so they are new mutexes: no inversion). The runtime's memory must stay bounded:
// the program fails (exit 3) when its peak RSS exceeds 1 GiB.
#include <lockstep/lockstep.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

namespace {
constexpr int n = 300000;        // std::mutex objects alive at once
constexpr int n_pthread = 100000;  // pthread mutexes alive at once
constexpr int rounds = 2;
constexpr int cells = 1024;
constexpr long max_rss_kib = 1024L * 1024;  // 1 GiB

std::mutex total_mutex;
long total = 0;
int counts[2][cells];  // counts[k] belongs to worker k of the current round

void check_rss(const char *when) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  if (ru.ru_maxrss > max_rss_kib) {
    std::fprintf(stderr, "many_mutexes_clean: peak RSS %ld KiB exceeds %ld KiB %s\n", ru.ru_maxrss, max_rss_kib,
                 when);
    std::exit(3);
  }
}

void lock_pair(std::mutex *a, std::mutex *b) {
  if (b < a) std::swap(a, b);  // one global order: by address
  std::lock_guard<std::mutex> first(*a);
  std::lock_guard<std::mutex> second(*b);
}

// Worker k of a round takes the mutexes of its half.
void std_worker(std::vector<std::mutex *> &ms, int k) {
  const int begin = k * (n / 2), end = begin + n / 2;
  for (int i = begin; i < end; ++i) {
    {
      std::lock_guard<std::mutex> lock(*ms[i]);
      ++counts[k][i % cells];
      if (i % 64 == 0) {
        // Annotated only here: every distinct set of held locks costs the runtime an interned
        // lockset, which is not what this program measures.
        LOCKSTEP_WRITE(counts[k][i % cells]);
        std::lock_guard<std::mutex> inner(total_mutex);  // always inside a per-item mutex
        LOCKSTEP_WRITE(total);
        ++total;
      }
    }
    if (i % 16 == 0 && i + 1 < end) lock_pair(ms[i], ms[i + 1]);
  }
}

void pthread_worker(pthread_mutex_t *pm, int k, bool reversed) {
  const int begin = k * (n_pthread / 2), end = begin + n_pthread / 2;
  for (int i = begin; i < end; ++i) {
    pthread_mutex_lock(&pm[i]);
    pthread_mutex_unlock(&pm[i]);
    if (i % 32 == 0 && i + 1 < end) {
      pthread_mutex_t *first = reversed ? &pm[i + 1] : &pm[i];
      pthread_mutex_t *second = reversed ? &pm[i] : &pm[i + 1];
      pthread_mutex_lock(first);
      pthread_mutex_lock(second);
      pthread_mutex_unlock(second);
      pthread_mutex_unlock(first);
    }
  }
}
}  // namespace

int main() {
  // std::mutex: new, use, delete, and again in the freed storage.
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::mutex *> ms(n);
    for (auto &m : ms) m = new std::mutex;
    std::thread a(std_worker, std::ref(ms), round % 2), b(std_worker, std::ref(ms), 1 - round % 2);
    a.join();
    b.join();
    for (auto *m : ms) delete m;
    check_rss("after the std::mutex rounds");
  }
  // pthread mutexes: init, use, destroy, then the same storage again in the opposite order.
  auto *pm = static_cast<pthread_mutex_t *>(std::malloc(sizeof(pthread_mutex_t) * n_pthread));
  if (!pm) return 2;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < n_pthread; ++i) pthread_mutex_init(&pm[i], nullptr);
    std::thread a(pthread_worker, pm, 0, round % 2 == 1), b(pthread_worker, pm, 1, round % 2 == 1);
    a.join();
    b.join();
    for (int i = 0; i < n_pthread; ++i) pthread_mutex_destroy(&pm[i]);
    check_rss("after the pthread mutex rounds");
  }
  std::free(pm);
  LOCKSTEP_READ(total);
  const long expected = static_cast<long>(rounds) * (n / 64 + (n % 64 ? 1 : 0));
  if (total != expected) {
    std::fprintf(stderr, "many_mutexes_clean: total %ld, expected %ld\n", total, expected);
    return 1;
  }
  return 0;
}
