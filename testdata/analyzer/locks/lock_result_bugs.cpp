// pthread lock calls whose result is tested: the lock is held where the result says so, and leaks there are still found.
#include <pthread.h>

namespace counters {

struct Counter {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  long n = 0;
};

// The lock call succeeded; the empty-counter path returns without
// unlocking.
long Take(Counter *C) noexcept {
  if (pthread_mutex_lock(&C->mu) != 0) // expect: lock-not-released
    return -1;
  if (C->n == 0)
    return 0;
  long N = C->n--;
  pthread_mutex_unlock(&C->mu);
  return N;
}

// The failure path unlocks a mutex the failed call never locked.
int Touch(Counter *C) noexcept {
  if (pthread_mutex_lock(&C->mu) != 0) {
    pthread_mutex_unlock(&C->mu); // expect: lock-unlock-not-held
    return -1;
  }
  ++C->n;
  pthread_mutex_unlock(&C->mu);
  return 0;
}

// The result kept in a variable; a bad value returns holding the lock.
int Store(Counter *C, long V) noexcept {
  int Rc = pthread_mutex_lock(&C->mu); // expect: lock-not-released
  if (Rc != 0)
    return Rc;
  if (V < 0)
    return -1;
  C->n = V;
  pthread_mutex_unlock(&C->mu);
  return 0;
}

} // namespace counters

namespace wrapped {

// A mutex class that hands the error code of pthread_mutex_lock to its
// callers.
class Mutex {
public:
  int Lock() { return pthread_mutex_lock(&mu_); }
  void Unlock() { pthread_mutex_unlock(&mu_); }

private:
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
};

class Queue {
public:
  // Locked (the wrapper returned 0), then the empty path leaks it.
  int Pop(int *Out) noexcept {
    if (mu_.Lock() != 0) // expect: lock-not-released
      return -1;
    if (size_ == 0)
      return 1;
    *Out = items_[--size_];
    mu_.Unlock();
    return 0;
  }

private:
  Mutex mu_;
  int items_[8] = {};
  int size_ = 0;
};

} // namespace wrapped
