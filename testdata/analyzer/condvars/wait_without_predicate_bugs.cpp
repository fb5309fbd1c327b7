// cv-wait-without-predicate: waits that a spurious or stolen wakeup turns into a bug, because nothing re-checks the state.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>

namespace queue {

// `if` instead of `while`: after a spurious wakeup, front() reads an empty
// queue.
class BlockingQueue {
public:
  int Pop() {
    std::unique_lock<std::mutex> lk(mu_);
    if (items_.empty())
      not_empty_.wait(lk); // expect: cv-wait-without-predicate
    int V = items_.front();
    items_.pop_front();
    return V;
  }

  void Push(int V) {
    {
      std::lock_guard<std::mutex> g(mu_);
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

namespace startup {

// A bare wait for a one-time event: a notify before the wait is lost, and a
// spurious wakeup returns early.
class Gate {
public:
  void AwaitOpen() {
    std::unique_lock<std::mutex> lk(mu_);
    opened_cv_.wait(lk); // expect: cv-wait-without-predicate "opened_cv_"
  }

  void Open() {
    std::lock_guard<std::mutex> g(mu_);
    open_ = true;
    opened_cv_.notify_all();
  }

  bool IsOpen() {
    std::lock_guard<std::mutex> g(mu_);
    return open_;
  }

private:
  std::mutex mu_;
  std::condition_variable opened_cv_;
  bool open_ = false;
};

} // namespace startup

namespace timers {

// wait_for without a predicate: the caller cannot tell a timeout from a
// spurious wakeup from real work.
class Ticker {
public:
  bool WaitForWork() {
    std::unique_lock<std::mutex> lk(mu_);
    work_cv_.wait_for(lk, std::chrono::milliseconds(50)); // expect: cv-wait-without-predicate
    return pending_ > 0;
  }

  // wait_until with a deadline but no re-check of the state.
  bool WaitUntil(std::chrono::steady_clock::time_point Deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    if (pending_ == 0)
      work_cv_.wait_until(lk, Deadline); // expect: cv-wait-without-predicate
    return pending_ > 0;
  }

private:
  std::mutex mu_;
  std::condition_variable work_cv_;
  int pending_ = 0;
};

} // namespace timers

namespace cqueue {

// pthreads: the classic `if` around pthread_cond_wait.
struct Channel {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
  int value = 0;
  int has_value = 0;
};

int Take(Channel *C) {
  pthread_mutex_lock(&C->mu);
  if (!C->has_value)
    pthread_cond_wait(&C->ready, &C->mu); // expect: cv-wait-without-predicate
  C->has_value = 0;
  int V = C->value;
  pthread_mutex_unlock(&C->mu);
  return V;
}

} // namespace cqueue

namespace snapshots {

// condition_variable_any with a shared lock, waited on once.
class Snapshots {
public:
  int WaitForNext() {
    std::shared_lock<std::shared_mutex> lk(mu_);
    int Seen = version_;
    changed_.wait(lk); // expect: cv-wait-without-predicate
    return version_ - Seen;
  }

private:
  std::shared_mutex mu_;
  std::condition_variable_any changed_;
  int version_ = 0;
};

} // namespace snapshots

namespace retries {

// A loop that counts attempts but never looks at the shared state: its
// condition re-checks nothing.
class Poller {
public:
  bool WaitReady() {
    std::unique_lock<std::mutex> lk(mu_);
    for (int Attempt = 0; Attempt < 3; ++Attempt)
      cv_.wait(lk); // expect: cv-wait-without-predicate
    return ready_;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
};

} // namespace retries

namespace snapshot_flags {

// The loop re-checks a local copy taken before waiting, never the shared
// flag: the condition cannot change, so the loop is no re-check at all.
class Loader {
public:
  void AwaitLoaded() {
    std::unique_lock<std::mutex> lk(mu_);
    bool Loaded = loaded_;
    while (!Loaded)
      cv_.wait(lk); // expect: cv-wait-without-predicate
  }

  // The loop only watches the clock: a spurious wakeup before the deadline
  // waits again even when the work is done, and a notification is ignored.
  void AwaitUntil(std::chrono::steady_clock::time_point Deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    while (std::chrono::steady_clock::now() < Deadline)
      cv_.wait_until(lk, Deadline); // expect: cv-wait-without-predicate
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool loaded_ = false;
};

} // namespace snapshot_flags

namespace port {

class Mutex {
public:
  void Lock() { pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

private:
  friend class Event;
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
};

// A pthread wait wrapper that decides from one wake-up: it reports the flag
// as it finds it, and a spurious wakeup reads it unset.
class Event {
public:
  explicit Event(Mutex *Mu) : mu_(Mu) {}
  bool WaitFired() {
    pthread_cond_wait(&cv_, &mu_->mu_); // expect: cv-wait-without-predicate
    return fired_;
  }

  // Branches like a timed wait wrapper, but on the flag: one wake-up
  // decides, spurious or not.
  bool TimedWaitFired(const struct timespec *Ts) {
    int Err = pthread_cond_timedwait(&cv_, &mu_->mu_, Ts); // expect: cv-wait-without-predicate
    if (Err == 0 && fired_)
      return true;
    return false;
  }

private:
  Mutex *mu_;
  pthread_cond_t cv_ = PTHREAD_COND_INITIALIZER;
  bool fired_ = false;
};

} // namespace port

namespace cport {

struct Mutex {
  pthread_mutex_t pmutex = PTHREAD_MUTEX_INITIALIZER;
};
struct Cond {
  pthread_cond_t pcond = PTHREAD_COND_INITIALIZER;
};

// A free wait wrapper that decides from one wake-up through a pointer it
// was given: a spurious wakeup reads the flag unset.
inline bool CondWaitFor(Cond *C, Mutex *M, const bool *Ready) {
  pthread_cond_wait(&C->pcond, &M->pmutex); // expect: cv-wait-without-predicate
  return *Ready;
}

} // namespace cport
