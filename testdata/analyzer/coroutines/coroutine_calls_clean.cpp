// Calling a coroutine creates its frame; its body runs when it is resumed, so its locks are not taken at the call.
#include "coro_support.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace calls {

std::mutex mu;
int counter = 0;

// clean: lock-double-lock  a lazy task that locks mu, created while the caller holds mu
coro::LazyTask Bump() {
  std::lock_guard<std::mutex> g(mu);
  ++counter;
  co_return;
}

void BumpLater(std::deque<coro::LazyTask> &queue) {
  std::lock_guard<std::mutex> g(mu);
  queue.push_back(Bump()); // only creates the frame
}

// clean: lock-double-lock  an eager task whose locking comes after its first suspension
coro::EagerTask BumpAfterHop() {
  co_await coro::Reschedule{};
  std::lock_guard<std::mutex> g(mu);
  ++counter;
}

void Fire() {
  std::lock_guard<std::mutex> g(mu);
  coro::EagerTask t = BumpAfterHop();
  (void)t.done();
}

// clean: lock-double-lock  a generator that locks mu for each item, created under mu
coro::Generator<int> Snapshots(int n) {
  for (int i = 0; i < n; ++i) {
    int v;
    {
      std::lock_guard<std::mutex> g(mu);
      v = counter;
    }
    co_yield v;
  }
}

int FirstSnapshot() {
  std::unique_lock<std::mutex> lk(mu);
  coro::Generator<int> gen = Snapshots(3);
  lk.unlock();
  return gen.next().value_or(-1);
}

// clean: lock-double-lock  a member coroutine that locks the object's mutex, created in a method holding it
class Cache {
public:
  void Schedule(std::deque<coro::LazyTask> &queue) {
    std::lock_guard<std::mutex> g(mu_);
    queue.push_back(Refill());
  }

private:
  coro::LazyTask Refill() {
    co_await coro::Reschedule{};
    std::lock_guard<std::mutex> g(mu_);
    ++entries_;
  }
  std::mutex mu_;
  int entries_ = 0;
};

// clean: lock-double-lock  a lambda coroutine that locks mu, created under mu
void LambdaUnderLock(std::deque<coro::LazyTask> &queue) {
  std::lock_guard<std::mutex> g(mu);
  queue.push_back([]() -> coro::LazyTask {
    std::lock_guard<std::mutex> inner(mu);
    ++counter;
    co_return;
  }());
}

// clean: lock-double-lock  a coroutine taking a shared_mutex exclusively, created under a shared lock
std::shared_mutex table_mu;
int table = 0;

coro::LazyTask Rewrite() {
  std::unique_lock<std::shared_mutex> w(table_mu);
  table = 0;
  co_return;
}

int ReadThenSchedule(std::deque<coro::LazyTask> &queue) {
  std::shared_lock<std::shared_mutex> r(table_mu);
  queue.push_back(Rewrite());
  return table;
}

// clean: lock-not-released  an async lock coroutine ends holding mu; creating it does not acquire mu for the caller
coro::LazyTask AcquireAsync() {
  co_await coro::Reschedule{};
  mu.lock();
  co_return;
}

void Enqueue(std::deque<coro::LazyTask> &queue) {
  queue.push_back(AcquireAsync());
}

// clean: lock-blocking-under-lock  a coroutine that sleeps, created under a lock; it sleeps when resumed
coro::LazyTask Backoff() {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  co_return;
}

void ScheduleBackoff(std::deque<coro::LazyTask> &queue) {
  std::lock_guard<std::mutex> g(mu);
  queue.push_back(Backoff());
}

// clean: lock-order-inversion  a coroutine taking b, created while a is held, orders nothing: its body runs later
std::mutex a, b;

coro::LazyTask TakeB() {
  std::lock_guard<std::mutex> g(b);
  ++counter;
  co_return;
}

void AThenCreate(std::deque<coro::LazyTask> &queue) {
  std::lock_guard<std::mutex> g(a);
  queue.push_back(TakeB());
}

void BThenA() {
  std::lock_guard<std::mutex> gb(b);
  std::lock_guard<std::mutex> ga(a);
  ++counter;
}

// clean: lock-unlock-not-held  a coroutine that locks and unlocks around its suspension, the caller unlocks its own
coro::LazyTask Touch() {
  mu.lock();
  ++counter;
  mu.unlock();
  co_await coro::Reschedule{};
}

void TouchUnderManualLock(std::deque<coro::LazyTask> &queue) {
  mu.lock();
  queue.push_back(Touch());
  mu.unlock();
}

} // namespace calls
