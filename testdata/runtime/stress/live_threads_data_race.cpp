// Bug (data-race): the live-threads shape of live_threads_norace (3000 threads that all lock one
// mutex and wait on one condition variable until the last has started), and the first and the last
// thread to arrive also write `last_out` after leaving the mutex. Each write comes after its own
// unlock, so nothing orders the two: the race must be found on every run, with every thread's clock
// built from chunks it shares with the mutex and the other threads.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int n = 3000;
std::mutex m;
std::condition_variable all_started;
int started = 0;    // guarded by m
int last_out = -1;  // the racy variable
}  // namespace

int main() {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i)
    threads.emplace_back([i] {
      int arrival;
      {
        std::unique_lock<std::mutex> lock(m);
        LOCKSTEP_READ(started);
        LOCKSTEP_WRITE(started);
        arrival = started++;
        if (started == n)
          all_started.notify_all();
        else
          all_started.wait(lock, [] {
            LOCKSTEP_READ(started);
            return started == n;
          });
      }
      if (arrival == 0 || arrival == n - 1) {
        LOCKSTEP_WRITE(last_out);
        last_out = i;
      }
    });
  for (auto &t : threads) t.join();
  return 0;
}
