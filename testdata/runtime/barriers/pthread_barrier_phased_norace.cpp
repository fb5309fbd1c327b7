// Clean (norace): phased work on an unmodified pthread_barrier_t. In each phase every thread writes
// its own slot, waits on the barrier, then reads every other thread's slot of that phase and waits
// again before the slots are overwritten. The serial thread (PTHREAD_BARRIER_SERIAL_THREAD) also
// updates a shared total between the two waits, which the others read after the second wait.
#include <lockstep/lockstep.h>

#include <pthread.h>

namespace {
constexpr int threads = 4, phases = 10;
long slot[threads];
long total = 0;
pthread_barrier_t written, read_done;

void *run(void *arg) {
  const int t = static_cast<int>(reinterpret_cast<long>(arg));
  long seen = 0;
  for (int p = 0; p < phases; ++p) {
    LOCKSTEP_WRITE(slot[t]);
    slot[t] = p * 100 + t;
    const int r = pthread_barrier_wait(&written);
    for (int o = 0; o < threads; ++o) {
      LOCKSTEP_READ(slot[o]);
      seen += slot[o];
    }
    if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
      LOCKSTEP_WRITE(total);
      total += 1;
    }
    pthread_barrier_wait(&read_done);
    LOCKSTEP_READ(total);
    seen += total;
  }
  return reinterpret_cast<void *>(seen);
}
}  // namespace

int main() {
  pthread_barrier_init(&written, nullptr, threads);
  pthread_barrier_init(&read_done, nullptr, threads);
  pthread_t ts[threads];
  for (long t = 0; t < threads; ++t) pthread_create(&ts[t], nullptr, run, reinterpret_cast<void *>(t));
  for (pthread_t &t : ts) pthread_join(t, nullptr);
  pthread_barrier_destroy(&written);
  pthread_barrier_destroy(&read_done);
  return total == phases ? 0 : 1;
}
