// lock-blocking-under-lock look-alikes: blocking after the lock is gone, non-blocking variants, and a cv wait with its own lock.
#include "annotated_spinlock.h"

#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <pthread.h>
#include <semaphore>
#include <string>
#include <sys/socket.h>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace queue {

// clean: lock-blocking-under-lock  a condition-variable wait with its own (and only) lock releases it while waiting
class BlockingQueue {
public:
  int Pop() {
    std::unique_lock<std::mutex> lk(mu_);
    not_empty_.wait(lk, [this] { return !items_.empty(); });
    int V = items_.front();
    items_.pop_front();
    return V;
  }

  void Push(int V) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(V);
    }
    not_empty_.notify_one();
  }

private:
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::deque<int> items_;
};

} // namespace queue

namespace retry {

// clean: lock-blocking-under-lock  the backoff sleep happens after the guard's scope ends
class Client {
public:
  bool Send(const std::string &Msg) {
    for (int Attempt = 0; Attempt < 3; ++Attempt) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (TrySend(Msg))
          return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
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

// clean: lock-blocking-under-lock  the thread is moved out under the lock and joined after unlock()
class Worker {
public:
  void Stop() {
    std::unique_lock<std::mutex> lk(mu_);
    stopping_ = true;
    std::thread T = std::move(thread_);
    lk.unlock();
    if (T.joinable())
      T.join();
  }

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }

private:
  std::mutex mu_;
  std::thread thread_;
  bool stopping_ = false;
};

} // namespace workers

namespace pool {

// clean: lock-blocking-under-lock  try_acquire() never blocks
class ConnectionPool {
public:
  int TryCheckout() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!permits_.try_acquire())
      return -1;
    return ++checked_out_;
  }

  // clean: lock-blocking-under-lock  the blocking acquire comes before the bookkeeping lock
  int Checkout() {
    permits_.acquire();
    std::lock_guard<std::mutex> lock(mu_);
    return ++checked_out_;
  }

private:
  std::mutex mu_;
  std::counting_semaphore<8> permits_{8};
  int checked_out_ = 0;
};

} // namespace pool

namespace phases {

// clean: lock-blocking-under-lock  arrive() under the lock does not wait; the wait happens after the guard is gone
class Solver {
public:
  explicit Solver(std::ptrdiff_t Workers) : sync_(Workers) {}

  void Step(double Partial) {
    std::barrier<>::arrival_token Token = [&] {
      std::lock_guard<std::mutex> lock(result_mu_);
      sum_ += Partial;
      return sync_.arrive();
    }();
    sync_.wait(std::move(Token));
  }

private:
  std::mutex result_mu_;
  std::barrier<> sync_;
  double sum_ = 0;
};

// clean: lock-blocking-under-lock  latch try_wait() and count_down() do not block
class Service {
public:
  bool Ready() {
    std::lock_guard<std::mutex> lock(config_mu_);
    return started_.try_wait();
  }

  void Start() {
    std::lock_guard<std::mutex> lock(config_mu_);
    ++runs_;
    started_.count_down();
  }

private:
  std::mutex config_mu_;
  std::latch started_{1};
  int runs_ = 0;
};

} // namespace phases

namespace results {

// clean: lock-blocking-under-lock  the future is waited for first; only the cached copy is taken under the lock
class Cache {
public:
  int Get(std::future<int> &Pending) {
    int Fresh = Pending.get();
    std::lock_guard<std::mutex> lock(mu_);
    value_ = Fresh;
    return value_;
  }

private:
  std::mutex mu_;
  int value_ = 0;
};

} // namespace results

namespace io {

struct Reader {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  char buffer[4096] = {};
  ssize_t filled = 0;
};

// clean: lock-blocking-under-lock  read() into a local buffer, then copy under the lock
ssize_t Fill(Reader *R, int Fd) {
  char Local[4096];
  ssize_t N = read(Fd, Local, sizeof Local);
  if (N <= 0)
    return N;
  pthread_mutex_lock(&R->mu);
  for (ssize_t I = 0; I < N; ++I)
    R->buffer[I] = Local[I];
  R->filled = N;
  pthread_mutex_unlock(&R->mu);
  return N;
}

// clean: lock-blocking-under-lock  recv() after the annotated lock was released by hand
class Peer {
public:
  ssize_t Receive(int Sock) {
    lock_.Lock();
    int Flags = flags_;
    lock_.Unlock();
    char Buffer[1024];
    return recv(Sock, Buffer, sizeof Buffer, Flags);
  }

private:
  util::SpinLock lock_;
  int flags_ = 0;
};

} // namespace io

namespace flush {

void Throttle() { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }

// clean: lock-blocking-under-lock  the sleeping helper is called once the guard's scope has ended
class Log {
public:
  void Append(const std::string &Line) {
    bool Full;
    {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(Line);
      Full = lines_.size() > 1000;
    }
    if (Full)
      Throttle();
  }

private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

} // namespace flush

namespace deferred {

// clean: lock-blocking-under-lock  a sleeping lambda created under the lock but run after it is released
class Retrier {
public:
  void Arm() {
    std::function<void()> Backoff;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++armed_;
      Backoff = [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); };
    }
    Backoff();
  }

private:
  std::mutex mu_;
  int armed_ = 0;
};

} // namespace deferred

namespace handoff {

// clean: lock-blocking-under-lock  a helper releases the caller's unique_lock before the caller sleeps
class Flusher {
public:
  void Flush() {
    std::unique_lock<std::mutex> lk(mu_);
    ++flushes_;
    Unlock(lk);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

private:
  static void Unlock(std::unique_lock<std::mutex> &Lk) { Lk.unlock(); }
  std::mutex mu_;
  int flushes_ = 0;
};

} // namespace handoff

namespace polite {

// clean: lock-blocking-under-lock  yield(), detach(), notify and a semaphore release never block
class Spawner {
public:
  void Spawn() {
    std::lock_guard<std::mutex> lock(mu_);
    std::thread T([] {});
    T.detach();
    ++spawned_;
    slots_.release();
    done_.notify_all();
    std::this_thread::yield();
  }

private:
  std::mutex mu_;
  std::counting_semaphore<16> slots_{0};
  std::condition_variable done_;
  int spawned_ = 0;
};

} // namespace polite
