// pthread lock calls whose result is tested: no lock is held on the path where the call failed.
#include <pthread.h>

namespace counters {

struct Counter {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  long n = 0;
};

// clean: lock-not-released  the lock call failed: returning without unlocking is right
long Bump(Counter *C) noexcept {
  if (pthread_mutex_lock(&C->mu))
    return -1;
  long N = ++C->n;
  pthread_mutex_unlock(&C->mu);
  return N;
}

// clean: lock-not-released  the result kept in a variable and compared with 0
int Reset(Counter *C) noexcept {
  int Rc = pthread_mutex_lock(&C->mu);
  if (Rc != 0)
    return Rc;
  C->n = 0;
  pthread_mutex_unlock(&C->mu);
  return 0;
}

// clean: lock-unlock-not-held  unlocked only where the lock call succeeded
int Touch(Counter *C) noexcept {
  int Rc = pthread_mutex_lock(&C->mu);
  if (Rc == 0) {
    ++C->n;
    pthread_mutex_unlock(&C->mu);
  }
  return Rc;
}

struct Table {
  pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  int v = 0;
};

// clean: lock-not-released  a reader lock of a rwlock, tested the same way
int Read(Table *T, int *Out) noexcept {
  if (pthread_rwlock_rdlock(&T->rw) != 0)
    return -1;
  *Out = T->v;
  pthread_rwlock_unlock(&T->rw);
  return 0;
}

// clean: lock-not-released  a writer lock whose failure is reported and returned
int Write(Table *T, int V) noexcept {
  int Err = pthread_rwlock_wrlock(&T->rw);
  if (Err)
    return Err;
  T->v = V;
  pthread_rwlock_unlock(&T->rw);
  return 0;
}

} // namespace counters

namespace wrapped {

// Wrappers that return the error code, or whether the lock was taken.
class Mutex {
public:
  int Lock() { return pthread_mutex_lock(&mu_); }
  bool LockOk() { return pthread_mutex_lock(&mu_) == 0; }
  void Unlock() { pthread_mutex_unlock(&mu_); }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
};

class Queue {
public:
  // clean: lock-not-released  the wrapper returned an error: nothing is locked
  int Push(int V) noexcept {
    if (mu_.Lock() != 0)
      return -1;
    items_[size_++ % 8] = V;
    mu_.Unlock();
    return 0;
  }

  // clean: lock-not-released  a bool wrapper, true when it locked
  bool TryPush(int V) noexcept {
    if (!mu_.LockOk())
      return false;
    items_[size_++ % 8] = V;
    mu_.Unlock();
    return true;
  }

  // clean: lock-unlock-not-held  the result ignored: the lock counts as taken, and it is released
  void Clear() noexcept {
    mu_.Lock();
    size_ = 0;
    mu_.Unlock();
  }

private:
  Mutex mu_;
  int items_[8] = {};
  int size_ = 0;
};

} // namespace wrapped
