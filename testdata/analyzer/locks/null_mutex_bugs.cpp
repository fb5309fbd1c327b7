// User BasicLockable types that really lock: locking one twice still deadlocks.
#include <atomic>
#include <mutex>

namespace spin {

// A real spin lock: lock() waits for the flag.
class SpinLock {
public:
  void lock() {
    while (flag_.test_and_set(std::memory_order_acquire)) {
    }
  }
  void unlock() { flag_.clear(std::memory_order_release); }

private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

class Stats {
public:
  void Add(int V) {
    std::lock_guard<SpinLock> G(lock_);
    total_ += V;
    Log(); // expect: lock-double-lock
  }

private:
  void Log() {
    std::lock_guard<SpinLock> G(lock_);
    ++logged_;
  }

  SpinLock lock_;
  long total_ = 0;
  long logged_ = 0;
};

} // namespace spin
