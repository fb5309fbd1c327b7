// lock-blocking-under-lock: sleeping, joining, waiting or blocking I/O while a mutex is held.
#include "annotated_spinlock.h"

#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <latch>
#include <mutex>
#include <pthread.h>
#include <semaphore.h>
#include <semaphore>
#include <string>
#include <sys/socket.h>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace retry {

// Backing off with the client's mutex held stalls every other caller.
class Client {
public:
  bool Send(const std::string &Msg) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int Attempt = 0; Attempt < 3; ++Attempt) {
      if (TrySend(Msg))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100)); // expect: lock-blocking-under-lock "'mu_'"
    }
    return false;
  }

private:
  bool TrySend(const std::string &Msg) { return !Msg.empty() && ++sent_ > 0; }
  std::mutex mu_;
  long sent_ = 0;
};

} // namespace retry

namespace workers {

// Joining the worker while holding the mutex the worker needs to finish.
class Worker {
public:
  void Start() {
    thread_ = std::thread([this] {
      std::lock_guard<std::mutex> lock(mu_);
      ++ticks_;
    });
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (thread_.joinable())
      thread_.join(); // expect: lock-blocking-under-lock
  }

private:
  std::mutex mu_;
  std::thread thread_;
  bool stopping_ = false;
  int ticks_ = 0;
};

} // namespace workers

namespace queue {

// Waiting on the queue's condition variable (which releases queue_mu_) while
// still holding stats_mu_: producers that update the stats block forever.
class StatsQueue {
public:
  int Pop() {
    std::lock_guard<std::mutex> stats(stats_mu_);
    std::unique_lock<std::mutex> lk(queue_mu_);
    not_empty_.wait(lk, [this] { return !items_.empty(); }); // expect: lock-blocking-under-lock "'stats_mu_'"
    int V = items_.front();
    items_.pop_front();
    ++pops_;
    return V;
  }

private:
  std::mutex stats_mu_;
  std::mutex queue_mu_;
  std::condition_variable not_empty_;
  std::deque<int> items_;
  long pops_ = 0;
};

} // namespace queue

namespace pool {

// Acquiring a connection permit while holding the pool's bookkeeping lock.
class ConnectionPool {
public:
  int Checkout() {
    std::lock_guard<std::mutex> lock(mu_);
    permits_.acquire(); // expect: lock-blocking-under-lock
    return ++checked_out_;
  }

private:
  std::mutex mu_;
  std::counting_semaphore<8> permits_{8};
  int checked_out_ = 0;
};

} // namespace pool

namespace phases {

// Arriving at a barrier (and waiting for the other workers) with the shared
// result mutex held: the others cannot publish their results and arrive.
class Solver {
public:
  explicit Solver(std::ptrdiff_t Workers) : sync_(Workers) {}

  void Step(double Partial) {
    std::lock_guard<std::mutex> lock(result_mu_);
    sum_ += Partial;
    sync_.arrive_and_wait(); // expect: lock-blocking-under-lock
  }

private:
  std::mutex result_mu_;
  std::barrier<> sync_;
  double sum_ = 0;
};

// Waiting for the start signal with the configuration locked.
class Service {
public:
  void Run() {
    std::unique_lock<std::mutex> lk(config_mu_);
    ++runs_;
    started_.wait(); // expect: lock-blocking-under-lock
  }

private:
  std::mutex config_mu_;
  std::latch started_{1};
  int runs_ = 0;
};

} // namespace phases

namespace results {

// Waiting for an asynchronous result with the cache locked.
class Cache {
public:
  int Get(std::future<int> &Pending) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!has_value_) {
      value_ = Pending.get(); // expect: lock-blocking-under-lock
      has_value_ = true;
    }
    return value_;
  }

private:
  std::mutex mu_;
  bool has_value_ = false;
  int value_ = 0;
};

} // namespace results

namespace io {

// Blocking reads from a pipe and a socket under pthread and annotated locks.
struct Reader {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  char buffer[4096] = {};
  ssize_t filled = 0;
};

ssize_t Fill(Reader *R, int Fd) {
  pthread_mutex_lock(&R->mu);
  R->filled = read(Fd, R->buffer, sizeof R->buffer); // expect: lock-blocking-under-lock
  ssize_t N = R->filled;
  pthread_mutex_unlock(&R->mu);
  return N;
}

class Peer {
public:
  ssize_t Receive(int Sock) {
    util::SpinGuard g(lock_);
    received_ = recv(Sock, buffer_, sizeof buffer_, 0); // expect: lock-blocking-under-lock
    return received_;
  }

private:
  util::SpinLock lock_;
  char buffer_[1024] = {};
  ssize_t received_ = 0;
};

} // namespace io

namespace flush {

// Blocking through a helper: Throttle() sleeps, and Append() calls it with
// the log's mutex held.
void Throttle() { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }

class Log {
public:
  void Append(const std::string &Line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(Line);
    if (lines_.size() > 1000)
      Throttle(); // expect: lock-blocking-under-lock
  }

private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

} // namespace flush

namespace posix {

// POSIX primitives: sem_wait and pthread_join under a pthread mutex, and
// sleep_until under a guard.
struct Dispatcher {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  sem_t ready;
  pthread_t worker;
  int dispatched = 0;
};

void Dispatch(Dispatcher *D) {
  pthread_mutex_lock(&D->mu);
  sem_wait(&D->ready); // expect: lock-blocking-under-lock
  ++D->dispatched;
  pthread_mutex_unlock(&D->mu);
}

void Shutdown(Dispatcher *D) {
  pthread_mutex_lock(&D->mu);
  pthread_join(D->worker, nullptr); // expect: lock-blocking-under-lock
  pthread_mutex_unlock(&D->mu);
}

class Alarm {
public:
  void WaitUntil(std::chrono::steady_clock::time_point When) {
    std::lock_guard<std::mutex> lock(mu_);
    ++armed_;
    std::this_thread::sleep_until(When); // expect: lock-blocking-under-lock
  }

private:
  std::mutex mu_;
  int armed_ = 0;
};

} // namespace posix

namespace lambdas {

// The blocking call hides in a lambda that is called while the lock is held.
class Uploader {
public:
  void Upload(int Chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    auto Backoff = [](int Attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * Attempt));
    };
    if (Chunk < 0)
      Backoff(1); // expect: lock-blocking-under-lock
    last_ = Chunk;
  }

private:
  std::mutex mu_;
  int last_ = 0;
};

} // namespace lambdas
