// Bug (deadlock) through a function-local static's initialization: a thread runs the static's
// constructor, which locks `registry_mutex`; main holds `registry_mutex` and uses the static, so it
// waits for the constructor to finish (__cxa_guard_acquire) while the constructor waits for main's
// mutex. A handshake forces that schedule. The wait for a static being initialized is a blocking
// wait like any other: the runtime must report the cycle and exit (66), never hang. Should it
// stay silent, an alarm ends the program after 10 s with exit status 3.
#include <lockstep/lockstep.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

namespace {
std::mutex registry_mutex;
std::atomic<int> phase{0};  // 1: the constructor runs; 2: main holds registry_mutex

struct registry {
  int entries = 0;
  registry() {
    phase.store(1);
    while (phase.load() != 2) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(registry_mutex);  // main holds it and waits for us: deadlock
    entries = 1;
  }
};

const registry &the_registry() {
  static registry r;
  return r;
}

void on_alarm(int) {
  static const char msg[] = "local_static_init_cycle_deadlock: no deadlock report within 10 s\n";
  (void)!write(2, msg, sizeof msg - 1);
  _exit(3);
}
}  // namespace

int main() {
  std::signal(SIGALRM, on_alarm);
  alarm(10);
  std::thread builder([] { (void)the_registry(); });
  while (phase.load() != 1) std::this_thread::yield();
  std::lock_guard<std::mutex> lock(registry_mutex);
  phase.store(2);
  const int n = the_registry().entries;  // waits for the constructor, which waits for us
  builder.join();
  return n == 1 ? 0 : 1;
}
