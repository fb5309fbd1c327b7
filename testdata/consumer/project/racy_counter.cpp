// A user's program with a data race: two threads bump one counter without any synchronization.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <thread>

namespace {
int hits = 0;

void bump() {
  LOCKSTEP_WRITE(hits);
  ++hits;
}
}  // namespace

int main() {
  std::thread other(bump);  // unordered with the main thread's bump below, whichever runs first
  bump();
  other.join();
  std::printf("hits=%d\n", hits);
  return 0;
}
