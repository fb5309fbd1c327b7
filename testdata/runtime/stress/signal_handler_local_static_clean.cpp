// Clean: a function-local static used both by a thread in a tight loop and by that thread's signal
// handler. Once the static is built, using it is a read (and async-signal-safe without lockstep);
// with lockstep every use goes through __cxa_guard_acquire, so the runtime must stay correct when
// a handler's use interrupts the thread's own use of the same guard. Two workers read the static
// 300 000 times while main sends them SIGUSR1; the handler reads it too and counts into the
// thread's own annotated counter. Nothing may be reported; a watchdog ends the program with exit
// status 3 when the workers are not done within 10 s.
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
constexpr int uses = 300000;

struct limits {
  int values[4];
  limits() {
    for (int i = 0; i < 4; ++i) {
      LOCKSTEP_WRITE(values[i]);
      values[i] = i + 1;
    }
  }
};

const limits &the_limits() {
  static const limits l;  // built once, then only read
  return l;
}

thread_local volatile sig_atomic_t handled = 0;
std::atomic<int> started{0}, finished{0};

void on_signal(int) {
  const int saved = errno;
  const limits &l = the_limits();
  LOCKSTEP_READ(l.values[0]);
  LOCKSTEP_WRITE(handled);
  handled = handled + l.values[0];
  errno = saved;
}

void work() {
  started.fetch_add(1);
  long sum = 0;
  for (int i = 0; i < uses; ++i) sum += the_limits().values[i & 3];
  LOCKSTEP_READ(handled);
  if (sum != static_cast<long>(uses) / 4 * 10) std::_Exit(1);
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
  (void)the_limits();  // built before any handler can run
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back(work);
  while (started.load() < workers) std::this_thread::yield();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (finished.load() < workers) {
    for (auto &t : threads) pthread_kill(t.native_handle(), SIGUSR1);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "signal_handler_local_static_clean: workers not done after 10 s (hung in the runtime?)\n");
      std::fflush(stderr);
      _exit(3);
    }
  }
  for (auto &t : threads) t.join();
  return 0;
}
