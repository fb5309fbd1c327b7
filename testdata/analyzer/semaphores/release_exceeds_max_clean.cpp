// sem-release-exceeds-max look-alikes: releases within the maximum, or with an acquire between.
#include <atomic>
#include <cstdio>
#include <semaphore>
#include <string>
#include <vector>

namespace pool {

// clean: sem-release-exceeds-max  a batch within the pool's maximum
class ConnectionPool {
public:
  void Acquire() { slots_.acquire(); }
  void ReturnBatch() { slots_.release(4); }
  void Return(int n) { slots_.release(n); } // clean: sem-release-exceeds-max  a count known only at run time

private:
  std::counting_semaphore<4> slots_{4};
};

void Wait(std::binary_semaphore &s);

// clean: sem-release-exceeds-max  a release after an acquire
void Handoff(std::binary_semaphore &ready, std::binary_semaphore &ack) {
  ready.release();
  ack.acquire();
  ready.release();
}

// clean: sem-release-exceeds-max  the semaphore is handed to a function that may acquire it
void Handed(std::binary_semaphore &s) {
  s.release();
  Wait(s);
  s.release();
}

} // namespace pool

namespace handoff {

void Log(const std::string &what) { std::printf("%s\n", what.c_str()); }

// clean: sem-release-exceeds-max  the loop acquires before each release
void Worker(std::binary_semaphore &turn, const std::vector<int> &items) {
  for (int item : items) {
    turn.acquire();
    std::printf("%d\n", item);
    turn.release();
  }
}

// clean: sem-release-exceeds-max  an early return: only one release runs on each path
std::binary_semaphore finished{0};
int Finish(bool failed) {
  if (failed) {
    Log("failed");
    finished.release();
    return 1;
  }
  finished.release();
  return 0;
}

// clean: sem-release-exceeds-max  the branches are exclusive: one release per call
void Exclusive(bool a, std::binary_semaphore &s) {
  if (a)
    s.release();
  Log("between");
  if (!a)
    s.release();
}

// clean: sem-release-exceeds-max  a spin on an atomic flag between the releases
void Spin(std::binary_semaphore &s, std::atomic<bool> &taken) {
  s.release();
  while (!taken.load())
    ;
  s.release();
}

// clean: sem-release-exceeds-max  created empty, released once
void StartGate() {
  std::binary_semaphore gate{0};
  gate.release();
  gate.acquire();
}

// clean: sem-release-exceeds-max  a counting semaphore with room for two
void Twice(std::counting_semaphore<2> &s) {
  s.release();
  s.release();
}

// clean: sem-release-exceeds-max  try_acquire between the releases
void Retry(std::binary_semaphore &s) {
  s.release();
  if (!s.try_acquire())
    Log("taken");
  s.release();
}

} // namespace handoff

namespace events {

enum class Kind { kData, kClose };

// clean: sem-release-exceeds-max  a switch on a member decides the second release
class Channel {
public:
  void Send(Kind k) {
    if (k == Kind::kData)
      ready_.release();
    switch (last_) {
    case Kind::kData:
      break;
    case Kind::kClose:
      ready_.release();
      break;
    }
  }

private:
  Kind last_ = Kind::kData;
  std::binary_semaphore ready_{0};
};

// clean: sem-release-exceeds-max  the loop leaves through a check of the consumer's flag
void Poll(std::binary_semaphore &s, const std::atomic<bool> &stop) {
  for (;;) {
    s.release();
    if (stop.load())
      break;
    s.acquire();
  }
}

// clean: sem-release-exceeds-max  each lambda releases once
void Lambdas(std::binary_semaphore &s) {
  auto first = [&] { s.release(); };
  auto second = [&] { s.release(); };
  first();
  second();
}

} // namespace events
