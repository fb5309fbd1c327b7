// Clean: mutexes are destroyed and new ones are built in the same storage, then taken in the
// opposite order. They are different mutexes, so this is no lock-order inversion: destruction
// must make the runtime forget the old ones (std::mutex is not used: its destructor is invisible).
#include <lockstep/lockstep.hpp>

#include <new>
#include <pthread.h>
#include <thread>

namespace {
alignas(lockstep::mutex) unsigned char storage_a[sizeof(lockstep::mutex)];
alignas(lockstep::mutex) unsigned char storage_b[sizeof(lockstep::mutex)];
pthread_mutex_t raw_a, raw_b;

void take_in_order(lockstep::mutex &first, lockstep::mutex &second) {
  first.lock();
  second.lock();
  second.unlock();
  first.unlock();
}

void take_in_order(pthread_mutex_t &first, pthread_mutex_t &second) {
  pthread_mutex_lock(&first);
  pthread_mutex_lock(&second);
  pthread_mutex_unlock(&second);
  pthread_mutex_unlock(&first);
}
}  // namespace

int main() {
  for (int round = 0; round < 4; ++round) {
    auto *a = new (storage_a) lockstep::mutex;
    auto *b = new (storage_b) lockstep::mutex;
    pthread_mutex_init(&raw_a, nullptr);
    pthread_mutex_init(&raw_b, nullptr);
    // Even rounds take a then b, odd rounds b then a, each on its own thread.
    std::thread t([&] {
      if (round % 2 == 0) {
        take_in_order(*a, *b);
        take_in_order(raw_a, raw_b);
      } else {
        take_in_order(*b, *a);
        take_in_order(raw_b, raw_a);
      }
    });
    t.join();
    pthread_mutex_destroy(&raw_b);
    pthread_mutex_destroy(&raw_a);
    b->~mutex();
    a->~mutex();
  }
  return 0;
}
