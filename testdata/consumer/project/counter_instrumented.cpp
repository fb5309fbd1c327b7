// No annotation at all: built with lockstep_instrument(), the compiler's thread instrumentation shows
// liblockstep every access. `racy`: two threads increment a plain counter; `locked`: under a mutex.
#include <cstring>
#include <mutex>
#include <thread>

namespace {
long counter = 0;
std::mutex counter_mu;
}  // namespace

int main(int argc, char **argv) {
  const bool locked = argc > 1 && std::strcmp(argv[1], "locked") == 0;
  auto bump = [locked] {
    for (int i = 0; i < 1000; ++i) {
      if (locked) {
        std::lock_guard<std::mutex> g(counter_mu);
        ++counter;
      } else {
        ++counter;
      }
    }
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  return 0;
}
