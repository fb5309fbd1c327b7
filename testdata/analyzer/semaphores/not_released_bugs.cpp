// sem-not-released: scoped permits that some path out of the function keeps.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <semaphore.h>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <vector>

namespace pool {

struct Conn {
  int fd = -1;
};

// At most 8 requests at once; a request that fails validation returns with
// its slot still taken, and the server slowly stops serving.
class RequestLimiter {
public:
  bool Handle(const std::string &req) {
    slots_.acquire(); // expect: sem-not-released "semaphore 'slots_'"
    if (req.empty())
      return false;
    std::printf("%s\n", req.c_str());
    slots_.release();
    return true;
  }

private:
  std::counting_semaphore<8> slots_{8};
};

// A connection pool guarded by a POSIX semaphore: the lookup failure path
// forgets sem_post.
class ConnectionPool {
public:
  int Query(int key) {
    if (sem_wait(&free_) != 0) // expect: sem-not-released "'free_'"
      return -1;
    Conn *c = Find(key);
    if (!c)
      return -2;
    int fd = c->fd;
    sem_post(&free_);
    return fd;
  }

private:
  Conn *Find(int key) { return key < 4 ? &conns_[key] : nullptr; }
  sem_t free_;
  Conn conns_[4];
};

} // namespace pool

namespace limits {

std::counting_semaphore<4> downloads{4};

int Parse(const std::string &s) {
  if (s.empty())
    throw std::invalid_argument("empty");
  return static_cast<int>(s.size());
}

// A visible throw between acquire and release: the permit is lost.
int Download(const std::string &url) {
  downloads.acquire(); // expect: sem-not-released "'downloads'"
  int n = Parse(url);
  downloads.release();
  return n;
}

// An explicit throw on the error path.
void Upload(const std::vector<int> &chunks) {
  downloads.acquire(); // expect: sem-not-released
  if (chunks.size() > 100)
    throw std::length_error("too many chunks");
  for (int c : chunks)
    std::printf("%d\n", c);
  downloads.release();
}

// try_acquire_for's result is stored and followed: on success an early
// return skips the release.
bool Poll(std::binary_semaphore &gate, int budget) {
  bool got = gate.try_acquire_for(std::chrono::milliseconds(10)); // expect: sem-not-released "'gate'"
  if (!got)
    return false;
  if (budget <= 0)
    return false;
  std::printf("%d\n", budget);
  gate.release();
  return true;
}

// sem_timedwait retried on EINTR; the result variable tells success, and the
// success path leaks on a short buffer.
int ReadFrame(sem_t *frames, char *buf, int len) {
  timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 1;
  int rc;
  do {
    rc = sem_timedwait(frames, &deadline); // expect: sem-not-released "'frames'"
  } while (rc == -1 && errno == EINTR);
  if (rc != 0)
    return -1;
  if (len < 16)
    return 0;
  buf[0] = 0;
  sem_post(frames);
  return 16;
}

// A loop that acquires and releases each round, but a bad job returns from
// inside the loop with that round's permit.
void Drain(std::counting_semaphore<2> &budget, const std::vector<int> &jobs) {
  for (int j : jobs) {
    budget.acquire(); // expect: sem-not-released
    if (j < 0)
      return;
    std::printf("%d\n", j);
    budget.release();
  }
}

} // namespace limits
