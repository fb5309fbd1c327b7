// Bug (cv-multiple-mutexes): two threads wait on the same condition variable at the same time,
// each with a different mutex (undefined behaviour in POSIX and C++).
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::condition_variable changed;
std::mutex jobs_mutex, results_mutex;
bool jobs_waiting = false, results_waiting = false;  // each guarded by its own mutex
bool jobs_go = false, results_go = false;

// True once `waiting` is set: the waiter then released `m` inside wait(), so it is waiting now.
bool is_waiting(std::mutex &m, const bool &waiting) {
  std::lock_guard<std::mutex> lock(m);
  return waiting;
}
}  // namespace

int main() {
  std::thread jobs([] {
    std::unique_lock<std::mutex> lock(jobs_mutex);
    jobs_waiting = true;
    changed.wait(lock, [] { return jobs_go; });
  });
  std::thread results([] {
    std::unique_lock<std::mutex> lock(results_mutex);
    results_waiting = true;
    changed.wait(lock, [] { return results_go; });  // same condition variable, other mutex
  });
  while (!is_waiting(jobs_mutex, jobs_waiting) || !is_waiting(results_mutex, results_waiting))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::lock_guard<std::mutex> lock(jobs_mutex);
    jobs_go = true;
  }
  {
    std::lock_guard<std::mutex> lock(results_mutex);
    results_go = true;
  }
  changed.notify_all();
  jobs.join();
  results.join();
  return 0;
}
