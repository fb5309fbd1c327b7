// sem-not-released look-alikes: permits given back on every path, or handed
// on by design.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <semaphore.h>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <vector>

namespace handoff {

// clean: sem-not-released  producer/consumer: each side only acquires one semaphore and releases the other
class BoundedQueue {
public:
  void Push(int v) {
    spaces_.acquire();
    items_[tail_++ % 4] = v;
    filled_.release();
  }
  int Pop() {
    filled_.acquire();
    int v = items_[head_++ % 4];
    spaces_.release();
    return v;
  }

private:
  std::counting_semaphore<4> spaces_{4}, filled_{0};
  int items_[4] = {};
  int head_ = 0, tail_ = 0;
};

// clean: sem-not-released  a permit deliberately kept: acquired in Lock(), released in Unlock()
class SemLock {
public:
  void Lock() { s_.acquire(); }
  void Unlock() { s_.release(); }
  bool TryLock() { return s_.try_acquire(); }

private:
  std::binary_semaphore s_{1};
};

// clean: sem-not-released  submit keeps the permit for the task; its completion releases it
class Submitter {
public:
  bool Submit(int task) {
    inflight_.acquire();
    if (task < 0) {
      inflight_.release();
      return false;
    }
    pending_.push_back(task);
    return true;
  }
  void Completed() { inflight_.release(); }

private:
  std::counting_semaphore<16> inflight_{16};
  std::vector<int> pending_;
};

} // namespace handoff

namespace scoped {

struct Permit {
  explicit Permit(std::counting_semaphore<8> &s) : s(s) {}
  ~Permit() { s.release(); }
  std::counting_semaphore<8> &s;
};

std::counting_semaphore<8> workers{8};

// clean: sem-not-released  the permit is handed to an RAII guard that releases it
int Work(int n) {
  workers.acquire();
  Permit p(workers);
  if (n < 0)
    return -1;
  if (n == 0) {
    workers.release(); // a second permit, given back at once
    return 0;
  }
  return n * 2;
}

// clean: sem-not-released  released in a scope-exit lambda
int WorkDeferred(int n) {
  workers.acquire();
  struct Defer {
    std::function<void()> f;
    ~Defer() { f(); }
  } d{[] { workers.release(); }};
  if (n < 0)
    return -1;
  workers.release();
  workers.acquire();
  return n;
}

// clean: sem-not-released  a try that failed returns without a permit
bool TryServe(std::binary_semaphore &gate, int x) {
  if (!gate.try_acquire())
    return false;
  std::printf("%d\n", x);
  gate.release();
  return true;
}

// clean: sem-not-released  a stored try result decides the release
void MaybeServe(std::binary_semaphore &gate, int x) {
  bool got = gate.try_acquire_for(std::chrono::milliseconds(5));
  std::printf("%d\n", x);
  if (got)
    gate.release();
}

// clean: sem-not-released  early returns that release first
int Copy(std::counting_semaphore<3> &io, const std::vector<int> &src,
         std::vector<int> &dst) {
  io.acquire();
  if (src.empty()) {
    io.release();
    return 0;
  }
  if (src.size() > 64) {
    io.release();
    return -1;
  }
  dst = src;
  io.release();
  return static_cast<int>(dst.size());
}

// clean: sem-not-released  a loop that acquires and releases every round, with continue
void Batch(std::counting_semaphore<2> &budget, const std::vector<int> &jobs) {
  for (int j : jobs) {
    budget.acquire();
    if (j == 0) {
      budget.release();
      continue;
    }
    std::printf("%d\n", j);
    budget.release();
  }
}

// clean: sem-not-released  sem_wait failing with EINTR is retried; its failure path holds nothing
int Consume(sem_t *ready, int *out) {
  while (sem_wait(ready) != 0) {
    if (errno != EINTR)
      return -1;
  }
  *out = 1;
  sem_post(ready);
  return 0;
}

// clean: sem-not-released  sem_trywait failing (EAGAIN) returns without a permit
int Peek(sem_t *s) {
  int rc = sem_trywait(s);
  if (rc == -1)
    return errno == EAGAIN ? 0 : -1;
  sem_post(s);
  return 1;
}

// clean: sem-not-released  a conditional acquire paired with the same condition's release
void Conditional(std::binary_semaphore &gate, bool need, const std::string &s) {
  if (need)
    gate.acquire();
  std::printf("%s\n", s.c_str());
  if (need)
    gate.release();
}

// clean: sem-not-released  a call that is merely not noexcept is not an exception exit
void Log(const std::string &s);
void Logged(std::binary_semaphore &gate, const std::string &s) {
  gate.acquire();
  Log(s);
  gate.release();
}

// clean: sem-not-released  an exception inside a try block is caught and the permit released
int Guarded(std::binary_semaphore &gate, const std::string &s) {
  gate.acquire();
  try {
    if (s.empty())
      throw std::runtime_error("empty");
  } catch (const std::exception &) {
    gate.release();
    return -1;
  }
  gate.release();
  return 0;
}

} // namespace scoped
