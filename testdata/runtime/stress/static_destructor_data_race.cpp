// Bug (data-race), found during static destruction: a global sampler's destructor (run after main
// returned) tells its thread to stop through a mutex and condition variable, then reads the
// thread's `samples` before joining it; the thread writes `samples` after it left the mutex. The
// read and the write are unordered whichever runs first (the join comes later), so the runtime
// must report the race while the program's statics are being destroyed, and exit with 66.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
struct sampler {
  std::mutex m;
  std::condition_variable cv;
  bool stop = false;
  long samples = 0;
  std::thread thread;

  void start() {
    thread = std::thread([this] {
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [this] { return stop; });
      }
      LOCKSTEP_WRITE(samples);  // bug: after the unlock, racing with the destructor's read
      samples = 42;
    });
  }
  ~sampler() {
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    cv.notify_one();
    LOCKSTEP_READ(samples);  // bug: before the join
    long last = samples;
    (void)last;
    thread.join();
  }
} sampler_;
}  // namespace

int main() {
  sampler_.start();
  return 0;
}
