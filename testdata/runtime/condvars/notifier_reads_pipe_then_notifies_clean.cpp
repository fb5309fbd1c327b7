// Clean: the waiter's only possible notifier is blocked in read() on a pipe (a call the runtime does
// not see) for many check intervals, and the thread that will write to the pipe sleeps first; the
// main thread waits to join them (a watched wait). The reader counts as running, so nothing is
// stuck for good and nothing may be reported.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

// lockstep-options: deadlock_check_ms=20

namespace {
std::mutex m;
std::condition_variable config_loaded;
bool loaded = false;  // guarded by m
int fds[2];
}  // namespace

int main() {
  if (pipe(fds) != 0) return 1;
  std::thread waiter([] {
    std::unique_lock<std::mutex> lock(m);
    config_loaded.wait(lock, [] { return loaded; });
  });
  std::thread loader([] {
    char c;
    if (read(fds[0], &c, 1) != 1) return;  // blocked in a call the runtime does not see
    {
      std::lock_guard<std::mutex> g(m);
      loaded = true;
    }
    config_loaded.notify_all();
  });
  std::thread writer([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    (void)!write(fds[1], "x", 1);
  });
  writer.join();
  loader.join();
  waiter.join();
  return 0;
}
