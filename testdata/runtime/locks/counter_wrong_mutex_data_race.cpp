// Bug (data-race): each thread locks a mutex, but not the same one: no happens-before between them.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex mutex_a, mutex_b;
long counter = 0;

void work(std::mutex &m) {
  for (int i = 0; i < 100; ++i) {
    std::lock_guard<std::mutex> lock(m);
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    ++counter;
  }
}
}  // namespace

int main() {
  std::thread a(work, std::ref(mutex_a));
  std::thread b(work, std::ref(mutex_b));
  a.join();
  b.join();
  return 0;
}
