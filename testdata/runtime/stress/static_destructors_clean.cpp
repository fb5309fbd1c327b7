// Clean: the runtime keeps working during static destruction. After main returns, a global worker
// pool's destructor stops its threads through a mutex and condition variable and joins them; a
// global log's destructor (it was built first, so it dies last) locks its mutex and reads what the
// workers wrote; a function-local static's destructor does the same with its own mutex. Every
// access is ordered (mutexes, join), so nothing may be reported; wrong results exit with 1.
#include <lockstep/lockstep.hpp>

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int workers = 4, jobs = 400;

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "static_destructors_clean: %s\n", what);
  std::fflush(stderr);
  _exit(1);
}

struct stats;
stats &the_stats();

// Built before the pool, destroyed after it: the pool's workers log into it until they are joined.
struct job_log {
  std::mutex m;
  long entries = 0;
  job_log();
  void add() {
    std::lock_guard<std::mutex> lock(m);
    LOCKSTEP_WRITE(entries);
    ++entries;
  }
  ~job_log() {
    std::lock_guard<std::mutex> lock(m);
    LOCKSTEP_READ(entries);
    if (entries != jobs) fail("the log lost entries");
  }
} log_;

// Counts the jobs the workers did; a function-local static first used by job_log's constructor, so
// it is destroyed last of all.
struct stats {
  std::mutex m;
  long done = 0;
  void count() {
    std::lock_guard<std::mutex> lock(m);
    LOCKSTEP_WRITE(done);
    ++done;
  }
  ~stats() {
    std::lock_guard<std::mutex> lock(m);
    LOCKSTEP_READ(done);
    if (done != jobs) fail("stats lost jobs");
  }
};
stats &the_stats() {
  static stats s;
  return s;
}
job_log::job_log() { the_stats(); }

struct pool {
  std::mutex m;
  std::condition_variable cv, idle;
  std::deque<int> queue;
  int busy = 0;
  bool stop = false;
  std::vector<std::thread> threads;

  void start() {
    for (int i = 0; i < workers; ++i) threads.emplace_back([this] { run(); });
  }
  void submit(int job) {
    {
      std::lock_guard<std::mutex> lock(m);
      LOCKSTEP_WRITE(queue);
      queue.push_back(job);
    }
    cv.notify_one();
  }
  void run() {
    for (;;) {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [this] { return stop || !queue.empty(); });
      LOCKSTEP_READ(queue);
      if (queue.empty()) return;  // stopping and drained
      LOCKSTEP_WRITE(queue);
      queue.pop_front();
      ++busy;
      lock.unlock();
      log_.add();
      the_stats().count();
      lock.lock();
      if (--busy == 0 && queue.empty()) idle.notify_all();
    }
  }
  // Runs after main returned: wait until the queue drained, stop the workers, join them.
  ~pool() {
    {
      std::unique_lock<std::mutex> lock(m);
      idle.wait(lock, [this] { return queue.empty() && busy == 0; });
      stop = true;
    }
    cv.notify_all();
    for (auto &t : threads) t.join();
    LOCKSTEP_READ(queue);  // after the joins: ordered after every worker's access
    if (!queue.empty()) fail("jobs left in the queue");
  }
} pool_;
}  // namespace

int main() {
  pool_.start();
  for (int j = 0; j < jobs; ++j) pool_.submit(j);
  return 0;  // the rest happens in static destructors
}
