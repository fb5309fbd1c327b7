// Clean: four std::threads increment a counter under a std::mutex (seen through interposition).
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {
std::mutex counter_mutex;
long counter = 0;

void work() {
  for (int i = 0; i < 1000; ++i) {
    std::lock_guard<std::mutex> lock(counter_mutex);
    LOCKSTEP_READ(counter);
    LOCKSTEP_WRITE(counter);
    ++counter;
  }
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(work);
  for (auto &t : threads) t.join();
  LOCKSTEP_READ(counter);
  if (counter != 4000) {
    std::fprintf(stderr, "unexpected counter %ld\n", counter);
    return 1;
  }
  return 0;
}
