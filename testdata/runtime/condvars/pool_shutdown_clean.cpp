// Clean: the look-alike of pool_shutdown_forgets_stop_deadlock. The workers' predicate checks the
// stop flag too, so the shutdown's notify_all ends their waits; in between, the idle workers wait for
// work while the main thread sleeps (running) before it submits more.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

// lockstep-options: deadlock_check_ms=10

namespace {
lockstep::mutex queue_mu{"queue_mu"};
lockstep::condition_variable work_ready{"work_ready"};
std::deque<std::function<void()>> jobs;  // guarded by queue_mu
bool stopping = false;                   // guarded by queue_mu
int done = 0;                            // guarded by queue_mu

std::function<void()> next_job() {
  std::unique_lock<lockstep::mutex> lock(queue_mu);
  work_ready.wait(lock, [] { return stopping || !jobs.empty(); });
  if (jobs.empty()) return {};
  std::function<void()> job = std::move(jobs.front());
  jobs.pop_front();
  return job;
}

void worker() {
  while (std::function<void()> job = next_job()) job();
}

void submit_batch() {
  for (int i = 0; i < 20; ++i) {
    std::lock_guard<lockstep::mutex> lock(queue_mu);
    jobs.emplace_back([] {
      std::lock_guard<lockstep::mutex> g(queue_mu);
      ++done;
    });
    work_ready.notify_one();
  }
}
}  // namespace

int main() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 3; ++i) pool.emplace_back(worker);
  submit_batch();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the workers idle meanwhile
  submit_batch();
  {
    std::lock_guard<lockstep::mutex> lock(queue_mu);
    stopping = true;
  }
  work_ready.notify_all();
  for (std::thread &t : pool) t.join();
  return done == 40 ? 0 : 1;
}
