// Bug (data-race): two std::threads increment a counter with no synchronization at all.
// Vector clocks report it whatever the interleaving: both writes always run, unordered.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
long counter = 0;

void work() {
  for (int i = 0; i < 100; ++i) {
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    counter = counter + 1;
  }
}
}  // namespace

int main() {
  std::thread a(work), b(work);
  a.join();
  b.join();
  return 0;
}
