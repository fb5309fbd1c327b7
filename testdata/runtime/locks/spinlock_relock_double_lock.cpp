// Bug (double-lock): a helper takes the spinlock its caller already holds. Without lockstep the
// thread spins for ever; lockstep reports it and stops the process instead.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

namespace {
pthread_spinlock_t stats_lock;
int hits = 0;

__attribute__((noinline)) int read_hits() {
  pthread_spin_lock(&stats_lock);  // the caller holds it already
  const int h = hits;
  pthread_spin_unlock(&stats_lock);
  return h;
}

__attribute__((noinline)) void record_hit() {
  pthread_spin_lock(&stats_lock);
  hits = read_hits() + 1;
  pthread_spin_unlock(&stats_lock);
}
}  // namespace

int main() {
  pthread_spin_init(&stats_lock, PTHREAD_PROCESS_PRIVATE);
  record_hit();
  return 0;
}
