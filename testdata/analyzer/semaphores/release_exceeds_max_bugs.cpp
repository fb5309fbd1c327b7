// sem-release-exceeds-max: semaphores released above their maximum.
#include <cstdio>
#include <semaphore>
#include <string>
#include <vector>

namespace pool {

// A connection pool of 4 returns a batch of 6 at once.
class ConnectionPool {
public:
  void Acquire() { slots_.acquire(); }
  void ReturnBatch() { slots_.release(6); } // expect: sem-release-exceeds-max "maximum of 4"

private:
  std::counting_semaphore<4> slots_{4};
};

// A binary semaphore given two permits.
void Signal(std::binary_semaphore &ready) {
  ready.release(2); // expect: sem-release-exceeds-max "'release(2)'"
}

} // namespace pool

namespace handoff {

void Log(const std::string &what) { std::printf("%s\n", what.c_str()); }

// Signalled twice with nothing in between that takes the permit.
class Handoff {
public:
  void Publish(int v) {
    value_ = v;
    ready_.release();
    Log("published");
    ready_.release(); // expect: sem-release-exceeds-max "released again"
  }

private:
  int value_ = 0;
  std::binary_semaphore ready_{0};
};

// A release in a loop that never acquires.
void SignalAll(std::binary_semaphore &done, const std::vector<int> &items) {
  for (int item : items) {
    std::printf("%d\n", item);
    done.release(); // expect: sem-release-exceeds-max "every iteration of a loop"
  }
}

// The early-return path forgot its return: both releases run.
std::binary_semaphore finished{0};
int Finish(bool failed) {
  if (failed) {
    Log("failed");
    finished.release();
  }
  finished.release(); // expect: sem-release-exceeds-max
  return failed ? 1 : 0;
}

// Created full, released before anything acquired it.
void StartGate() {
  std::binary_semaphore gate{1};
  gate.release(); // expect: sem-release-exceeds-max "created full"
  gate.acquire();
}

// Both branches release, then the common path releases again.
void Either(bool fast, std::binary_semaphore &s) {
  if (fast)
    s.release();
  else
    s.release();
  s.release(); // expect: sem-release-exceeds-max
}

} // namespace handoff

namespace lambdas {

// A worker lambda that signals twice.
void Run(std::binary_semaphore &s) {
  auto worker = [&s] {
    s.release();
    s.release(); // expect: sem-release-exceeds-max
  };
  worker();
}

} // namespace lambdas
