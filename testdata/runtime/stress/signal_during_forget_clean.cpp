// Clean: a signal handler that logs into fresh annotated memory while the thread it interrupts is
// inside LOCKSTEP_FORGET. Two workers fill a 16 KiB scratch buffer (annotated) and forget it, over
// and over; SIGUSR1 (pthread_kill) handlers append to the interrupted worker's own log, each entry
// at a new address. All accesses are the thread's own, so nothing may be reported; the runtime
// must not spin on a lock its own interrupted thread holds. A watchdog ends the program with
// exit status 3 when the workers are not done within 10 s.
#include <lockstep/lockstep.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {
constexpr int workers = 2;
constexpr int rounds = 300;
constexpr int scratch_words = 4096;   // 16 KiB
constexpr int log_entries = 1 << 16;  // far more than the signals, so every entry is new memory

thread_local int *log_buffer = nullptr;  // this thread's signal log
thread_local volatile sig_atomic_t log_used = 0;
std::atomic<int> started{0}, finished{0};

void on_signal(int) {
  const int saved = errno;
  if (log_buffer && log_used < log_entries) {
    LOCKSTEP_WRITE(log_buffer[log_used]);
    log_buffer[log_used] = 1;
    log_used = log_used + 1;
  }
  errno = saved;
}

void work() {
  std::vector<int> log(log_entries), scratch(scratch_words);
  log_buffer = log.data();
  started.fetch_add(1);
  for (int r = 0; r < rounds; ++r) {
    for (int &w : scratch) {
      LOCKSTEP_WRITE(w);
      w = r;
    }
    LOCKSTEP_FORGET(scratch.data(), scratch.size() * sizeof(int));  // reused as new memory next round
  }
  // Block the signal before the log goes away.
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, nullptr);
  long sum = 0;
  for (int i = 0; i < log_used; ++i) {
    LOCKSTEP_READ(log[i]);
    sum += log[i];
  }
  log_buffer = nullptr;
  if (sum != log_used) std::_Exit(1);
  finished.fetch_add(1);
}
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) {
    std::perror("sigaction");
    return 2;
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back(work);
  while (started.load() < workers) std::this_thread::yield();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (finished.load() < workers) {
    for (auto &t : threads) pthread_kill(t.native_handle(), SIGUSR1);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "signal_during_forget_clean: workers not done after 10 s (hung in the runtime?)\n");
      std::fflush(stderr);
      _exit(3);
    }
  }
  for (auto &t : threads) t.join();
  return 0;
}
