// Annotated lock wrappers whose bodies lock conditionally: their thread-safety annotations are trusted over the body.
#include "annotated_spinlock.h"

#include <condition_variable>
#include <mutex>
#include <pthread.h>

#define TRY_ACQUIRE_SHARED(...)                                                \
  __attribute__((try_acquire_shared_capability(__VA_ARGS__)))

namespace annotated {

class CAPABILITY("mutex") Mutex {
public:
  void Lock() ACQUIRE() { pthread_mutex_lock(&m_); }
  void Unlock() RELEASE() { pthread_mutex_unlock(&m_); }
  // clean: lock-not-released a try-lock annotated TRY_ACQUIRE(true) that tests the pthread result
  bool TryLock() TRY_ACQUIRE(true) { return pthread_mutex_trylock(&m_) == 0; }
  // clean: lock-not-released a reader try-lock that keeps the result first
  bool ReaderTryLock() TRY_ACQUIRE_SHARED(true) {
    int Rc = pthread_rwlock_tryrdlock(&rw_);
    return Rc == 0;
  }

private:
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
  pthread_rwlock_t rw_ = PTHREAD_RWLOCK_INITIALIZER;
};

// A guard that locks only when it is given a mutex.
class SCOPED_CAPABILITY LockIfAny {
public:
  // clean: lock-not-released the annotation says it acquires mu; it does when mu is non-null
  explicit LockIfAny(Mutex *Mu) ACQUIRE(Mu) : mu_(Mu) {
    if (mu_ != nullptr)
      mu_->Lock();
  }
  // clean: lock-unlock-not-held it releases what the constructor took
  ~LockIfAny() RELEASE() {
    if (mu_ != nullptr)
      mu_->Unlock();
  }
  LockIfAny(const LockIfAny &) = delete;
  LockIfAny &operator=(const LockIfAny &) = delete;

private:
  Mutex *const mu_;
};

// The same shape guarding a record's own lock, reached through a pointer.
class CAPABILITY("mutex") Record {
public:
  void Lock() ACQUIRE() { mu_.Lock(); }
  void Unlock() RELEASE() { mu_.Unlock(); }

private:
  Mutex mu_;
};

class SCOPED_CAPABILITY UpdateScope {
public:
  // clean: lock-not-released the scope locks the record when there is one
  explicit UpdateScope(Record *R) ACQUIRE(R) : rec_(R) {
    if (rec_)
      rec_->Lock();
  }
  ~UpdateScope() RELEASE() {
    if (rec_)
      rec_->Unlock();
  }
  UpdateScope(const UpdateScope &) = delete;
  UpdateScope &operator=(const UpdateScope &) = delete;

private:
  Record *const rec_;
};

int Count = 0;
// clean: lock-not-released a guard over a mutex that may be null
void Bump(Mutex *Mu) {
  LockIfAny L(Mu);
  ++Count;
}

// clean: lock-unlock-not-held the try-lock result decides the unlock
void TryBump(Mutex &Mu) {
  if (!Mu.TryLock())
    return;
  ++Count;
  Mu.Unlock();
}

// clean: lock-not-released the scope's destructor releases the record
void Touch(Record *R) {
  UpdateScope S(R);
  ++Count;
}

} // namespace annotated
