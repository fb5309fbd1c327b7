// Misuse through annotated wrappers whose bodies lock conditionally: the annotations decide what their callers hold.
#include "annotated_spinlock.h"

#include <pthread.h>

namespace annotated {

class CAPABILITY("mutex") Mutex {
public:
  void Lock() ACQUIRE() { pthread_mutex_lock(&m_); }
  void Unlock() RELEASE() { pthread_mutex_unlock(&m_); }
  bool TryLock() TRY_ACQUIRE(true) { return pthread_mutex_trylock(&m_) == 0; }

private:
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
};

class SCOPED_CAPABILITY LockIfAny {
public:
  explicit LockIfAny(Mutex *Mu) ACQUIRE(Mu) : mu_(Mu) {
    if (mu_ != nullptr)
      mu_->Lock();
  }
  ~LockIfAny() RELEASE() {
    if (mu_ != nullptr)
      mu_->Unlock();
  }
  LockIfAny(const LockIfAny &) = delete;
  LockIfAny &operator=(const LockIfAny &) = delete;

private:
  Mutex *const mu_;
};

int Count = 0;

// The guard holds Mu; locking it again deadlocks.
void BumpTwice(Mutex *Mu) {
  LockIfAny L(Mu);
  Mu->Lock(); // expect: lock-double-lock
  ++Count;
  Mu->Unlock();
}

// The try-lock's failure path unlocks a mutex it does not hold.
void TryBump(Mutex &Mu) {
  bool Got = Mu.TryLock();
  ++Count;
  if (!Got)
    Mu.Unlock(); // expect: lock-unlock-not-held
}

} // namespace annotated
