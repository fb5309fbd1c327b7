// A spin lock and its guard annotated with Clang's thread-safety attributes, as annotated code bases write them.
#ifndef LOCKSTEP_TESTDATA_ANNOTATED_SPINLOCK_H
#define LOCKSTEP_TESTDATA_ANNOTATED_SPINLOCK_H

#include <atomic>

#define CAPABILITY(x) __attribute__((capability(x)))
#define SCOPED_CAPABILITY __attribute__((scoped_lockable))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define TRY_ACQUIRE(...) __attribute__((try_acquire_capability(__VA_ARGS__)))

namespace util {

// The lock operations are known by their attributes alone: the bodies use
// no lock primitive the analyzer knows.
class CAPABILITY("mutex") SpinLock {
public:
  void Lock() ACQUIRE() {
    while (Flag.test_and_set(std::memory_order_acquire)) {
    }
  }
  void Unlock() RELEASE() { Flag.clear(std::memory_order_release); }
  bool TryLock() TRY_ACQUIRE(true) {
    return !Flag.test_and_set(std::memory_order_acquire);
  }

private:
  std::atomic_flag Flag = ATOMIC_FLAG_INIT;
};

class SCOPED_CAPABILITY SpinGuard {
public:
  explicit SpinGuard(SpinLock &L) ACQUIRE(L) : L(L) { L.Lock(); }
  ~SpinGuard() RELEASE() { L.Unlock(); }
  SpinGuard(const SpinGuard &) = delete;
  SpinGuard &operator=(const SpinGuard &) = delete;

private:
  SpinLock &L;
};

} // namespace util

#endif // LOCKSTEP_TESTDATA_ANNOTATED_SPINLOCK_H
