// Unannotated code, built with lockstep_instrument: signal handlers read what the main thread wrote
// before installing them, on threads started before it was written. Installing a handler (sigaction
// or signal) happens before every run of it, on any thread, so nothing may be reported (the
// look-alike that writes after installing: signal_handler_write_after_sigaction_data_race.cpp).
//  - A thread asleep in sigsuspend gets SIGUSR1 (pthread_kill, which orders nothing); its SA_SIGINFO
//    handler reads `greeting`.
//  - Workers computing get SIGPROF from an interval timer, its handler installed with signal(): it
//    reads `weights` and adds to the interrupted worker's own total, which the worker itself reads
//    and writes too (one thread: program order).
//  - A thread blocked in pthread_cond_wait, inside the runtime, gets SIGUSR2: that handler's
//    accesses are not tracked (they can be missed, never reported).
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../threads/signal_waiter.hpp"

namespace {
constexpr int workers = 3;
constexpr long runs_wanted = 20;  // SIGPROF runs each worker waits for (for at most 10 s)

char greeting[8];
long weights[workers];
int greeting_seen = 0;              // the SIGUSR1 handler's, read by main after the waiter ends
volatile long totals[workers];      // totals[i]: worker i's and its handlers'
volatile long runs[workers];
thread_local int worker_index = -1;  // set on the workers only
std::atomic<int> started{0};
std::atomic<bool> go{false};        // relaxed: orders nothing

std::mutex sleeper_mutex;
std::condition_variable sleeper_cv;
bool sleeper_sleeping = false, sleeper_wake = false;  // guarded by sleeper_mutex
std::atomic<bool> sleeper_interrupted{false};
int sleeper_saw = 0;  // written by the untracked SIGUSR2 handler

void on_usr1(int sig, siginfo_t *info, void *) {
  if (sig == SIGUSR1 && info && info->si_signo == SIGUSR1) greeting_seen = greeting[0];
}

void on_prof(int) {
  const int i = worker_index;
  if (i < 0) return;  // another thread: nothing of its own to count
  totals[i] = totals[i] + weights[i];
  runs[i] = runs[i] + 1;
}

void on_usr2(int) {
  sleeper_saw = greeting[1];
  sleeper_interrupted.store(true);
}

void work(int i) {
  worker_index = i;
  started.fetch_add(1);
  while (!go.load(std::memory_order_relaxed)) std::this_thread::yield();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  unsigned long x = i;
  while (runs[i] < runs_wanted && std::chrono::steady_clock::now() < deadline) {
    for (int k = 0; k < 20000; ++k) x = x * 6364136223846793005ul + 1442695040888963407ul;  // outside the runtime
    totals[i] = totals[i] + static_cast<long>(x & 1);
  }
}

void sleep_on_condition() {
  std::unique_lock<std::mutex> lock(sleeper_mutex);
  sleeper_sleeping = true;
  sleeper_cv.wait(lock, [] { return sleeper_wake; });
}
}  // namespace

int main() {
  // Every thread starts before the data is written: only the installations order it.
  auto waiter = std::make_unique<signal_waiter>(SIGUSR1, 1);
  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) pool.emplace_back(work, i);
  std::thread sleeper(sleep_on_condition);
  while (started.load() < workers) std::this_thread::yield();

  for (int i = 0; i < 7; ++i) greeting[i] = "signal"[i];
  for (int i = 0; i < workers; ++i) weights[i] = i + 1;

  struct sigaction sa {};
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, nullptr) != 0 || signal(SIGPROF, on_prof) == SIG_ERR ||
      signal(SIGUSR2, on_usr2) == SIG_ERR)
    return 2;
  waiter->send();

  // SIGPROF only for the workers: main and the sleeper block it.
  sigset_t prof;
  sigemptyset(&prof);
  sigaddset(&prof, SIGPROF);
  pthread_sigmask(SIG_BLOCK, &prof, nullptr);
  const itimerval every_ms{{0, 1000}, {0, 1000}};
  if (setitimer(ITIMER_PROF, &every_ms, nullptr) != 0) return 2;
  go.store(true, std::memory_order_relaxed);

  {
    // Once main holds the mutex the sleeper is inside pthread_cond_wait (it can only return with it).
    std::unique_lock<std::mutex> lock(sleeper_mutex);
    while (!sleeper_sleeping) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    pthread_kill(sleeper.native_handle(), SIGUSR2);
    while (!sleeper_interrupted.load()) std::this_thread::yield();
    sleeper_wake = true;
  }
  sleeper_cv.notify_one();
  sleeper.join();

  for (auto &t : pool) t.join();
  const itimerval off{};
  setitimer(ITIMER_PROF, &off, nullptr);
  signal(SIGPROF, SIG_IGN);

  waiter.reset();  // joins it

  long all_runs = 0;
  for (int i = 0; i < workers; ++i) all_runs += runs[i];
  return all_runs > 0 && greeting_seen == 's' && sleeper_saw == 'i' ? 0 : 1;
}
