// Bug (double-lock): a thread read-locks, then write-locks, an rwlock it holds for writing. glibc
// refuses both with EDEADLK instead of blocking, so the program goes on: each misuse is reported
// and the process is not stopped.
// expect-reports: 2
#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <pthread.h>

namespace {
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;

__attribute__((noinline)) int read_size() { return pthread_rwlock_rdlock(&table_lock); }
__attribute__((noinline)) int write_size() { return pthread_rwlock_wrlock(&table_lock); }
}  // namespace

int main() {
  pthread_rwlock_wrlock(&table_lock);
  const int read_refused = read_size();    // EDEADLK
  const int write_refused = write_size();  // EDEADLK
  const int unlocked = pthread_rwlock_unlock(&table_lock);
  return read_refused == EDEADLK && write_refused == EDEADLK && unlocked == 0 ? 0 : 1;
}
