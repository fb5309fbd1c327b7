// The race-free look-alike of racy_counter.cpp: the same counter, bumped under a std::mutex and read after join.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace {
std::mutex mu;
std::condition_variable started_cv;
bool started = false;
int hits = 0;

void bump() {
  std::lock_guard<std::mutex> lock(mu);
  LOCKSTEP_WRITE(hits);
  ++hits;
}
}  // namespace

int main() {
  std::thread other([] {
    {
      std::lock_guard<std::mutex> lock(mu);
      LOCKSTEP_WRITE(started);
      started = true;
    }
    started_cv.notify_one();
    bump();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    started_cv.wait(lock, [] {
      LOCKSTEP_READ(started);
      return started;
    });
  }
  bump();
  other.join();
  LOCKSTEP_READ(hits);  // ordered after the other thread's write by join
  std::printf("hits=%d\n", hits);
  return hits == 2 ? 0 : 1;
}
