// Unannotated code, built with lockstep_instrument, using a spinlock described by the __tsan_mutex_*
// annotations, as abseil and folly describe theirs. The lock's own code, between each pre_ and post_
// annotation, is not the program's: it counts its contention in a plain field without ordering (as
// abseil's Mutex reads other threads' waiter records inside its unlock), and its atomics are not what
// orders the program; the annotations are the lock's events. Must stay silent: the statistics race
// inside the lock's code, and the data the lock protects is ordered by its annotated lock and unlock.
#include <atomic>
#include <chrono>
#include <thread>

#include "tsan_mutex_annotations.hpp"

namespace {

class annotated_spinlock {
public:
  annotated_spinlock() { __tsan_mutex_create(this, 0); }
  ~annotated_spinlock() { __tsan_mutex_destroy(this, 0); }
  void lock() {
    __tsan_mutex_pre_lock(this, 0);
    for (int expected = 0; !word_.compare_exchange_weak(expected, 1, std::memory_order_acquire); expected = 0) {
      ++spins_;  // statistics: racy by design, inside the lock's code
      std::this_thread::yield();
    }
    __tsan_mutex_post_lock(this, 0, 0);
  }
  void unlock() {
    __tsan_mutex_pre_unlock(this, 0);
    ++releases_since_spin_ += spins_ != 0;  // reads the other thread's statistics, unordered
    word_.store(0, std::memory_order_release);
    __tsan_mutex_post_unlock(this, 0);
  }
  unsigned long spins() const { return spins_ + releases_since_spin_; }

private:
  std::atomic<int> word_{0};
  unsigned long spins_ = 0, releases_since_spin_ = 0;
};

annotated_spinlock lock;
long protected_total = 0;
std::atomic<bool> holding{false};  // relaxed: only makes the second thread contend

}  // namespace

int main() {
  std::thread holder([] {
    lock.lock();
    holding.store(true, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the other thread spins meanwhile
    protected_total += 1;
    lock.unlock();
  });
  while (!holding.load(std::memory_order_relaxed)) std::this_thread::yield();
  std::thread contender([] {
    for (int i = 0; i < 100; ++i) {
      lock.lock();
      protected_total += 2;
      lock.unlock();
    }
  });
  holder.join();
  contender.join();
  return protected_total == 201 && lock.spins() > 0 ? 0 : 1;
}
