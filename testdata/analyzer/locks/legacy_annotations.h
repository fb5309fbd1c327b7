// A mutex and guard in the style of leveldb's port layer: the older thread-safety attribute spellings, bodies over std::mutex.
#ifndef LOCKSTEP_TESTDATA_LEGACY_ANNOTATIONS_H
#define LOCKSTEP_TESTDATA_LEGACY_ANNOTATIONS_H

#include <mutex>

#define LOCKABLE __attribute__((lockable))
#define SCOPED_LOCKABLE __attribute__((scoped_lockable))
#define EXCLUSIVE_LOCK_FUNCTION(...) __attribute__((exclusive_lock_function(__VA_ARGS__)))
#define UNLOCK_FUNCTION(...) __attribute__((unlock_function(__VA_ARGS__)))
#define EXCLUSIVE_LOCKS_REQUIRED(...) __attribute__((exclusive_locks_required(__VA_ARGS__)))
#define ASSERT_EXCLUSIVE_LOCK(...) __attribute__((assert_exclusive_lock(__VA_ARGS__)))
#define GUARDED_BY(x) __attribute__((guarded_by(x)))

namespace port {

// The attributes, not the std::mutex inside, say what these functions do.
class LOCKABLE Mutex {
public:
  void Lock() EXCLUSIVE_LOCK_FUNCTION() { impl_.lock(); }
  void Unlock() UNLOCK_FUNCTION() { impl_.unlock(); }
  void AssertHeld() ASSERT_EXCLUSIVE_LOCK() {}

private:
  std::mutex impl_;
};

class SCOPED_LOCKABLE MutexLock {
public:
  explicit MutexLock(Mutex *Mu) EXCLUSIVE_LOCK_FUNCTION(Mu) : mu_(Mu) { mu_->Lock(); }
  ~MutexLock() UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock &) = delete;
  MutexLock &operator=(const MutexLock &) = delete;

private:
  Mutex *const mu_;
};

} // namespace port

#endif // LOCKSTEP_TESTDATA_LEGACY_ANNOTATIONS_H
