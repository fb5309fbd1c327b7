// Unannotated code, built with lockstep_instrument: pthread and standard synchronization objects made,
// used and destroyed by different threads, every use ordered after the making and before the
// destruction. Must stay silent (the object's own memory is written by init and destroy, read by every
// use):
//  - a mutex initialized before the threads start and destroyed after they are joined;
//  - a reference-counted object whose mutex the last user destroys (each decrement under the mutex);
//  - a condition variable signalled under its mutex, destroyed by the waiter at once, and a
//    std::condition_variable in a heap object the waiter deletes (its destructor destroys it);
//  - a barrier destroyed by the serial thread as soon as its wait returns (glibc lets it: the
//    destruction waits for the other threads to leave);
//  - a reader/writer lock and a spinlock destroyed by a thread whose last lock came after the
//    other's unlock, while the other still runs.
#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

struct shared_object {
  pthread_mutex_t mutex;
  int users = 2;
};
void drop(shared_object *o) {
  pthread_mutex_lock(&o->mutex);
  const bool last = --o->users == 0;
  pthread_mutex_unlock(&o->mutex);
  if (last) {
    pthread_mutex_destroy(&o->mutex);
    delete o;
  }
}

struct handoff {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
};

}  // namespace

int main() {
  pthread_mutex_t mutex;
  pthread_mutex_init(&mutex, nullptr);
  int counter = 0;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          pthread_mutex_lock(&mutex);
          ++counter;
          pthread_mutex_unlock(&mutex);
        }
      });
    for (auto &t : threads) t.join();
  }
  pthread_mutex_destroy(&mutex);

  for (int round = 0; round < 20; ++round) {
    auto *o = new shared_object;
    pthread_mutex_init(&o->mutex, nullptr);
    std::thread other([o] { drop(o); });
    drop(o);
    other.join();
  }

  for (int round = 0; round < 20; ++round) {
    pthread_mutex_t m;
    pthread_cond_t c;
    bool ready = false;
    pthread_mutex_init(&m, nullptr);
    pthread_cond_init(&c, nullptr);
    std::thread signaller([&] {
      pthread_mutex_lock(&m);
      ready = true;
      pthread_cond_signal(&c);  // under the mutex: before the waiter can return
      pthread_mutex_unlock(&m);
    });
    pthread_mutex_lock(&m);
    while (!ready) pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
    pthread_cond_destroy(&c);
    signaller.join();
    pthread_mutex_destroy(&m);
  }

  for (int round = 0; round < 20; ++round) {
    auto *h = new handoff;
    std::thread notifier([h] {
      std::lock_guard<std::mutex> g(h->mutex);
      h->ready = true;
      h->cv.notify_one();
    });
    {
      std::unique_lock<std::mutex> g(h->mutex);
      h->cv.wait(g, [h] { return h->ready; });
    }
    delete h;
    notifier.join();
  }

  for (int round = 0; round < 20; ++round) {
    auto *b = new pthread_barrier_t;
    pthread_barrier_init(b, nullptr, 2);
    auto pass = [b] {
      if (pthread_barrier_wait(b) == PTHREAD_BARRIER_SERIAL_THREAD) pthread_barrier_destroy(b);
    };
    std::thread other(pass);
    pass();
    other.join();
    delete b;
  }

  // The reader marks its turn under each lock; main destroys each lock once it saw the mark under it
  // (its last lock acquired the reader's unlock), before the join.
  pthread_rwlock_t rwlock;
  pthread_spinlock_t spin;
  bool read_done = false, spun_done = false;
  pthread_rwlock_init(&rwlock, nullptr);
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  std::thread reader([&] {
    pthread_rwlock_rdlock(&rwlock);
    read_done = true;  // the only reader: no other thread holds the lock
    pthread_rwlock_unlock(&rwlock);
    pthread_spin_lock(&spin);
    spun_done = true;
    pthread_spin_unlock(&spin);
  });
  for (bool seen = false; !seen; std::this_thread::yield()) {
    pthread_rwlock_wrlock(&rwlock);
    seen = read_done;
    pthread_rwlock_unlock(&rwlock);
  }
  pthread_rwlock_destroy(&rwlock);
  for (bool seen = false; !seen; std::this_thread::yield()) {
    pthread_spin_lock(&spin);
    seen = spun_done;
    pthread_spin_unlock(&spin);
  }
  pthread_spin_destroy(&spin);
  reader.join();
  return counter == 300 ? 0 : 1;
}
