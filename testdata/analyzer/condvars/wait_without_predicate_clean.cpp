// cv-wait-without-predicate look-alikes: waits with a predicate, or inside loops that re-check the shared state.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <cerrno>
#include <pthread.h>
#include <shared_mutex>
#include <string>

namespace queue {

// clean: cv-wait-without-predicate  wait() with a predicate
class BlockingQueue {
public:
  int Pop() {
    std::unique_lock<std::mutex> lk(mu_);
    not_empty_.wait(lk, [this] { return !items_.empty(); });
    int V = items_.front();
    items_.pop_front();
    return V;
  }

  // clean: cv-wait-without-predicate  the predicate-less wait sits in a while loop on the state
  int PopLoop() {
    std::unique_lock<std::mutex> lk(mu_);
    while (items_.empty())
      not_empty_.wait(lk);
    int V = items_.front();
    items_.pop_front();
    return V;
  }

  // clean: cv-wait-without-predicate  for(;;) that checks the state and breaks before waiting
  int PopForever() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      if (!items_.empty())
        break;
      not_empty_.wait(lk);
    }
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

namespace timers {

class Ticker {
public:
  // clean: cv-wait-without-predicate  wait_for with a predicate
  bool WaitForWork() {
    std::unique_lock<std::mutex> lk(mu_);
    return work_cv_.wait_for(lk, std::chrono::milliseconds(50),
                             [this] { return pending_ > 0 || stop_; });
  }

  // clean: cv-wait-without-predicate  wait_until in a loop whose condition re-checks state and deadline
  bool WaitUntil(std::chrono::steady_clock::time_point Deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    while (pending_ == 0 && !stop_) {
      if (work_cv_.wait_until(lk, Deadline) == std::cv_status::timeout)
        return pending_ > 0;
    }
    return pending_ > 0;
  }

private:
  std::mutex mu_;
  std::condition_variable work_cv_;
  int pending_ = 0;
  bool stop_ = false;
};

} // namespace timers

namespace cqueue {

struct Channel {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
  int value = 0;
  int has_value = 0;
};

// clean: cv-wait-without-predicate  pthread_cond_wait in a while loop
int Take(Channel *C) {
  pthread_mutex_lock(&C->mu);
  while (!C->has_value)
    pthread_cond_wait(&C->ready, &C->mu);
  C->has_value = 0;
  int V = C->value;
  pthread_mutex_unlock(&C->mu);
  return V;
}

} // namespace cqueue

namespace barrier {

// clean: cv-wait-without-predicate  a generation-counting barrier: the loop waits until the generation changes
class Barrier {
public:
  explicit Barrier(int Parties) : parties_(Parties) {}

  void ArriveAndWait() {
    std::unique_lock<std::mutex> lk(mu_);
    int Gen = generation_;
    if (++arrived_ == parties_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    while (Gen == generation_)
      cv_.wait(lk);
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  int parties_;
  int arrived_ = 0;
  int generation_ = 0;
};

} // namespace barrier

namespace snapshots {

// clean: cv-wait-without-predicate  do/while whose condition re-checks the version, with condition_variable_any
class Snapshots {
public:
  int WaitForNext() {
    std::shared_lock<std::shared_mutex> lk(mu_);
    int Seen = version_;
    do {
      changed_.wait(lk);
    } while (version_ == Seen);
    return version_ - Seen;
  }

private:
  std::shared_mutex mu_;
  std::condition_variable_any changed_;
  int version_ = 0;
};

} // namespace snapshots

namespace pool {

// clean: cv-wait-without-predicate  two conditions (stop flag and work) checked by the loop, then wait_until with a predicate
class ThreadPool {
public:
  bool NextTask(int &Task) {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stop_ && tasks_.empty())
      cv_.wait(lk);
    if (tasks_.empty())
      return false;
    Task = tasks_.front();
    tasks_.pop_front();
    return true;
  }

  bool Drain(std::chrono::steady_clock::time_point Deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_until(lk, Deadline, [this] { return tasks_.empty(); });
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> tasks_;
  bool stop_ = false;
};

} // namespace pool

namespace readiness {

// clean: cv-wait-without-predicate  the loop condition re-checks the state through a member function
class Service {
public:
  void AwaitReady() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!Ready())
      cv_.wait(lk);
  }

  // clean: cv-wait-without-predicate  a named lambda passed as the predicate
  void AwaitIdle() {
    std::unique_lock<std::mutex> lk(mu_);
    auto Idle = [this] { return active_ == 0; };
    cv_.wait(lk, Idle);
  }

  // clean: cv-wait-without-predicate  pthread_cond_timedwait in a loop on the state, giving up at the deadline
  int AwaitSignal(const timespec &Deadline) {
    pthread_mutex_lock(&pmu_);
    int Rc = 0;
    while (!signalled_ && Rc == 0)
      Rc = pthread_cond_timedwait(&pcv_, &pmu_, &Deadline);
    bool Got = signalled_;
    pthread_mutex_unlock(&pmu_);
    return Got ? 0 : Rc;
  }

private:
  bool Ready() const { return ready_ && active_ == 0; }

  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
  int active_ = 0;
  pthread_mutex_t pmu_ = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t pcv_ = PTHREAD_COND_INITIALIZER;
  bool signalled_ = false;
};

} // namespace readiness

namespace port {

// A pthread mutex and condition variable wrapped in classes, as portable
// storage libraries do; callers hold the Mutex and loop around Wait().
class Mutex {
public:
  void Lock() { pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

private:
  friend class CondVar;
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
};

int Check(int Rc) { return Rc; }

class CondVar {
public:
  explicit CondVar(Mutex *Mu) : mu_(Mu) {}
  // clean: cv-wait-without-predicate a pthread wait wrapper on its caller's Mutex; its callers loop
  void Wait() { Check(pthread_cond_wait(&cv_, &mu_->mu_)); }
  // clean: cv-wait-without-predicate a timed wait wrapper that branches only on the wait's own result
  bool TimedWait(long AbsSec) {
    struct timespec Ts;
    Ts.tv_sec = AbsSec;
    Ts.tv_nsec = 0;
    int Err = pthread_cond_timedwait(&cv_, &mu_->mu_, &Ts);
    if (Err == ETIMEDOUT)
      return true;
    if (Err != 0)
      Check(Err);
    return false;
  }
  void Signal() { pthread_cond_signal(&cv_); }

private:
  Mutex *mu_;
  pthread_cond_t cv_ = PTHREAD_COND_INITIALIZER;
};

class Latch {
public:
  void Await() {
    mu_.Lock();
    while (!open_)
      cv_.Wait();
    mu_.Unlock();
  }

private:
  Mutex mu_;
  CondVar cv_{&mu_};
  bool open_ = false;
};

} // namespace port

namespace cport {

// A C-style portability layer: free functions take the caller's condition
// variable and mutex, and pass them to an instrumentation hook.
struct Mutex {
  pthread_mutex_t pmutex = PTHREAD_MUTEX_INITIALIZER;
};
struct Cond {
  pthread_cond_t pcond = PTHREAD_COND_INITIALIZER;
};
void TraceWait(const Cond &C, const Mutex &M);

// clean: cv-wait-without-predicate a free wait wrapper on the caller's condition variable and mutex
inline void CondWait(Cond *C, Mutex *M) {
  TraceWait(*C, *M);
  int R = pthread_cond_wait(&C->pcond, &M->pmutex);
  (void)R;
}

} // namespace cport
