// Bug (deadlock): a worker pool's wait predicate checks only for queued work, not for the stop flag.
// At shutdown the main thread sets `stopping` and notifies every worker, but each wakes, finds the
// queue empty and waits again; the main thread then waits to join them for ever. The notifications
// came after the waits began, and the workers re-waited: nobody is left to notify. The drop-in
// lockstep::condition_variable_any with a std::unique_lock<lockstep::mutex>.
#include <lockstep/lockstep.hpp>

#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

// expect-stack: 0 next_job

namespace {
lockstep::mutex queue_mu{"queue_mu"};
lockstep::condition_variable_any work_ready{"work_ready"};
std::deque<std::function<void()>> jobs;  // guarded by queue_mu
bool stopping = false;                   // guarded by queue_mu
int done = 0;                            // guarded by queue_mu

__attribute__((noinline)) std::function<void()> next_job() {
  std::unique_lock<lockstep::mutex> lock(queue_mu);
  work_ready.wait(lock, [] { return !jobs.empty(); });  // forgets `stopping`: the bug
  std::function<void()> job = std::move(jobs.front());
  jobs.pop_front();
  return job;
}

void worker() {
  for (;;) {
    std::function<void()> job = next_job();
    if (!job) return;
    job();
  }
}
}  // namespace

int main() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 3; ++i) pool.emplace_back(worker);
  for (int i = 0; i < 20; ++i) {
    std::lock_guard<lockstep::mutex> lock(queue_mu);
    jobs.emplace_back([] {
      std::lock_guard<lockstep::mutex> g(queue_mu);
      ++done;
    });
    work_ready.notify_one();
  }
  {
    std::lock_guard<lockstep::mutex> lock(queue_mu);
    stopping = true;
  }
  work_ready.notify_all();
  for (std::thread &t : pool) t.join();
  return 0;
}
