// Clean: a reader holds two read locks of one pthread rwlock at once (a function that read-locks
// calls another that read-locks too, as POSIX allows), then releases both; a writer updates the
// table under the write lock. Both unlocks are the reader's own: no misuse, no race.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

namespace {
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
long table[4] = {0, 0, 0, 0};

long entry(int i) {
  pthread_rwlock_rdlock(&table_lock);
  LOCKSTEP_READ(table[i]);
  const long v = table[i];
  pthread_rwlock_unlock(&table_lock);
  return v;
}

long sum() {
  pthread_rwlock_rdlock(&table_lock);
  long total = 0;
  for (int i = 0; i < 4; ++i) total += entry(i);  // a second read lock while holding the first
  pthread_rwlock_unlock(&table_lock);
  return total;
}

void *reader(void *out) {
  for (int i = 0; i < 50; ++i) *static_cast<long *>(out) += sum();
  return nullptr;
}

void *writer(void *) {
  for (int i = 0; i < 50; ++i) {
    pthread_rwlock_wrlock(&table_lock);
    for (long &v : table) {
      LOCKSTEP_WRITE(v);
      ++v;
    }
    pthread_rwlock_unlock(&table_lock);
  }
  return nullptr;
}
}  // namespace

int main() {
  long seen = 0;
  pthread_t r, w;
  pthread_create(&r, nullptr, reader, &seen);
  pthread_create(&w, nullptr, writer, nullptr);
  pthread_join(r, nullptr);
  pthread_join(w, nullptr);
  return seen >= 0 ? 0 : 1;
}
