// Clean: pthread_rwlock_t readers and a writer (rdlock, wrlock, tryrdlock, timedwrlock).
#include <lockstep/lockstep.hpp>

#include <pthread.h>
#include <time.h>

namespace {
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
int table[4] = {0, 0, 0, 0};

void *reader(void *) {
  for (int i = 0; i < 100; ++i) {
    if (i % 2 == 0) {
      pthread_rwlock_rdlock(&table_lock);
    } else {
      while (pthread_rwlock_tryrdlock(&table_lock) != 0) {
      }
    }
    for (int &v : table) LOCKSTEP_READ(v);
    pthread_rwlock_unlock(&table_lock);
  }
  return nullptr;
}

void *writer(void *) {
  for (int i = 0; i < 100; ++i) {
    if (i % 2 == 0) {
      pthread_rwlock_wrlock(&table_lock);
    } else {
      timespec deadline;
      clock_gettime(CLOCK_REALTIME, &deadline);
      deadline.tv_sec += 5;
      if (pthread_rwlock_timedwrlock(&table_lock, &deadline) != 0) continue;
    }
    for (int &v : table) {
      LOCKSTEP_WRITE(v);
      ++v;
    }
    pthread_rwlock_unlock(&table_lock);
  }
  return nullptr;
}
}  // namespace

int main() {
  pthread_t r1, r2, w;
  pthread_create(&r1, nullptr, reader, nullptr);
  pthread_create(&r2, nullptr, reader, nullptr);
  pthread_create(&w, nullptr, writer, nullptr);
  pthread_join(r1, nullptr);
  pthread_join(r2, nullptr);
  pthread_join(w, nullptr);
  LOCKSTEP_READ(table[0]);
  return table[0] == 100 ? 0 : 1;
}
