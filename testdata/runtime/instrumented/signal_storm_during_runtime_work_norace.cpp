// Unannotated code, built with lockstep_instrument: signals arrive at any instruction of the runtime's
// work, and their handlers do the same work. A thread interrupted in the middle of something the
// runtime does outside its own calls (mapping the shadow of memory touched for the first time,
// writing its trace) must neither hang nor be reported: a handler shares its thread's state, so what
// it does is program order with the code it interrupted.
//  - Workers walk fresh memory a megabyte at a time (each step maps a new piece of shadow), and their
//    SIGUSR1 handler writes to the very megabyte the worker is touching at that moment. (The runtime
//    once took a lock to map shadow, which the handler then waited for on the thread that held it.)
//  - Between steps the workers lock a mutex, allocate, start a thread and signal it while it starts,
//    and read what their handlers published with a release store on fresh atomics.
//  - A sender thread, every signal blocked, sends SIGUSR1 to the workers round-robin until they end.
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int workers = 3;
constexpr std::size_t step = std::size_t{1} << 20;  // a megabyte: one piece of shadow each
constexpr std::size_t steps = 512;                  // per worker: 512 MB of address space, a page touched per step

thread_local char *t_area = nullptr;                     // the worker's fresh memory
thread_local volatile std::size_t t_step = 0;            // the megabyte it touches now
thread_local volatile long t_handled = 0;                // handler runs on this thread
std::atomic<long> flags[workers * 16];                   // published by handlers, with a release store
long published[workers * 16];                            // written by a worker's handler, read by that worker
long handled[workers], seen[workers];                    // each worker's, read by main after joining
std::atomic<int> finished{0};
std::mutex counter_mutex;
long counter = 0;  // guarded by counter_mutex
thread_local int t_index = -1;

void on_usr1(int) {
  t_handled = t_handled + 1;
  const int i = t_index;
  if (i < 0 || !t_area) return;
  t_area[t_step * step + 64] = 1;  // the megabyte being touched by the code interrupted
  const int k = i * 16 + static_cast<int>(t_handled % 16);
  published[k] = t_handled;
  flags[k].store(t_handled, std::memory_order_release);
}

void work(int i) {
  t_index = i;
  void *area = mmap(nullptr, steps * step, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (area == MAP_FAILED) return;
  t_area = static_cast<char *>(area);
  for (std::size_t s = 0; s < steps; ++s) {
    t_step = s;
    t_area[s * step] = static_cast<char>(s);
    {
      std::lock_guard<std::mutex> g(counter_mutex);
      ++counter;
    }
    auto block = std::make_unique<long[]>(64 + s % 64);
    block[s % 64] = static_cast<long>(s);
    const int k = i * 16 + static_cast<int>(s % 16);
    if (flags[k].load(std::memory_order_acquire) != 0) seen[i] += published[k];
    if (s % 64 == 0) {
      std::thread child([s] {
        volatile std::size_t local = s;
        (void)local;
      });
      pthread_kill(child.native_handle(), SIGUSR1);  // on its start, or its end
      child.join();
    }
  }
  // Not done before the storm reached this thread once (on a loaded machine a worker may finish its
  // steps before the sender's first round; the sender goes on until every worker is done).
  while (t_handled == 0) usleep(100);
  t_area = nullptr;
  munmap(area, steps * step);
  handled[i] = t_handled;
  finished.fetch_add(1);
}
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 2;

  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) pool.emplace_back(work, i);
  std::vector<pthread_t> targets;
  for (auto &t : pool) targets.push_back(t.native_handle());
  std::thread sender([&targets] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    for (unsigned n = 0; finished.load() < workers; ++n) {
      pthread_kill(targets[n % workers], SIGUSR1);  // a finished worker is still joinable: not joined yet
      if (n % workers == 0) usleep(10);
    }
  });
  sender.join();
  for (auto &t : pool) t.join();

  // Every worker was interrupted (else the storm tested nothing) and its steps all counted.
  for (long h : handled)
    if (h == 0) {
      std::fprintf(stderr, "a worker was never interrupted\n");
      return 1;
    }
  if (counter != workers * static_cast<long>(steps)) {
    std::fprintf(stderr, "counter %ld, expected %ld\n", counter, workers * static_cast<long>(steps));
    return 1;
  }
  return 0;
}
