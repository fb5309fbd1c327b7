// Clean: signal handlers that use the runtime while the threads they interrupt are inside it.
// Four workers lock and unlock mutexes and make annotated accesses in a loop, while main sends
// them SIGUSR1 with pthread_kill, starts and joins short-lived threads (a signal may arrive at any
// instruction of a new thread), and an interval timer delivers SIGALRM to whichever thread runs.
// The handler writes the interrupted thread's own volatile sig_atomic_t (a thread_local, and an
// entry of a global table indexed by the kernel thread id, which each thread reads back later)
// and, when pthread_mutex_trylock on a shared mutex succeeds, bumps a counter under it. Every
// access is ordered (same thread, or under the mutex), so nothing may be reported, even when the
// signal lands on the first instructions of a new thread; the program must neither crash nor hang
// whatever the runtime was doing when the signal arrived.
#include <lockstep/lockstep.hpp>

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int workers = 4;
constexpr int min_iterations = 20000;
constexpr int min_signals = 300;  // each worker runs until its handler ran this often

thread_local volatile sig_atomic_t handled = 0;  // this thread's handler count
// The same count per kernel thread id: tids are not reused within a run, so an entry belongs to
// one thread (the handler and the thread's own code touch it, nobody else).
constexpr long tid_slots = 1 << 16;
volatile sig_atomic_t hits_by_tid[tid_slots];

volatile sig_atomic_t &my_hits() { return hits_by_tid[syscall(SYS_gettid) % tid_slots]; }
pthread_mutex_t signal_mutex = PTHREAD_MUTEX_INITIALIZER;
long signal_total = 0;  // guarded by signal_mutex

std::mutex work_mutex;
long work_total = 0;  // guarded by work_mutex
long results[workers];
std::atomic<int> started{0}, finished{0};

void on_signal(int) {
  const int saved = errno;
  LOCKSTEP_READ(handled);
  LOCKSTEP_WRITE(handled);
  handled = handled + 1;
  volatile sig_atomic_t &hits = my_hits();
  LOCKSTEP_READ(hits);
  LOCKSTEP_WRITE(hits);
  hits = hits + 1;
  // trylock never blocks: safe whatever this thread was holding when interrupted.
  if (pthread_mutex_trylock(&signal_mutex) == 0) {
    LOCKSTEP_WRITE(signal_total);
    ++signal_total;
    pthread_mutex_unlock(&signal_mutex);
  }
  errno = saved;
}

void work(int id) {
  started.fetch_add(1);
  long mine = 0;
  for (int i = 0; i < min_iterations || handled < min_signals; ++i) {
    {
      std::lock_guard<std::mutex> lock(work_mutex);
      LOCKSTEP_READ(work_total);
      LOCKSTEP_WRITE(work_total);
      ++work_total;
    }
    if (i % 8 == 0) {
      pthread_mutex_lock(&signal_mutex);  // the handler's mutex, also taken normally
      LOCKSTEP_WRITE(signal_total);
      ++signal_total;
      pthread_mutex_unlock(&signal_mutex);
    }
    LOCKSTEP_WRITE(results[id]);
    results[id] = ++mine;
  }
  LOCKSTEP_READ(handled);  // the handler ran on this thread: program order
  LOCKSTEP_READ(my_hits());
  finished.fetch_add(1);
}

bool install(int sig) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return sigaction(sig, &sa, nullptr) == 0;
}
}  // namespace

int main() {
  if (!install(SIGUSR1) || !install(SIGALRM)) {
    std::perror("sigaction");
    return 2;
  }
  itimerval every_ms{{0, 1000}, {0, 1000}};
  if (setitimer(ITIMER_REAL, &every_ms, nullptr) != 0) {
    std::perror("setitimer");
    return 2;
  }
  std::vector<std::thread> threads;
  for (int id = 0; id < workers; ++id) threads.emplace_back(work, id);
  while (started.load() < workers) std::this_thread::yield();
  // Signal every worker until all are done (a finished, unjoined thread just ignores it). Short
  // threads start only while every worker lives, so none can inherit a worker's kernel tid.
  long spawned = 0;
  while (finished.load() < workers) {
    for (auto &t : threads) pthread_kill(t.native_handle(), SIGUSR1);
    if (finished.load() > 0) {
      std::this_thread::yield();
      continue;
    }
    std::thread([] {
      {
        std::lock_guard<std::mutex> lock(work_mutex);
        LOCKSTEP_WRITE(work_total);
        ++work_total;
      }
      LOCKSTEP_READ(my_hits());  // also what a handler wrote before this thread's first line
    }).join();
    ++spawned;
  }
  for (auto &t : threads) t.join();
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  signal(SIGALRM, SIG_IGN);

  long sum = 0;
  for (const long &r : results) {
    LOCKSTEP_READ(r);
    sum += r;
  }
  LOCKSTEP_READ(work_total);
  if (sum + spawned != work_total || sum < static_cast<long>(workers) * min_iterations) {
    std::fprintf(stderr, "signal_handlers_clean: wrong totals (%ld, %ld)\n", work_total, sum);
    return 1;
  }
  return 0;
}
