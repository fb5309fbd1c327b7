// Clean: a function builds a pthread mutex, an rwlock and a spinlock on its stack, locks them and
// returns without unlocking (legal: nobody else ever sees them). Called twice, the second ones sit
// at the same addresses as the first: each *_init makes a new, unlocked lock, so locking it again is
// no double lock.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <pthread.h>

namespace {
const void *first_address = nullptr;
bool same_address = false;

__attribute__((noinline)) int locked_scratch(int value) {
  pthread_mutex_t scratch;
  pthread_rwlock_t scratch_table;
  pthread_spinlock_t scratch_stats;
  pthread_mutex_init(&scratch, nullptr);
  pthread_rwlock_init(&scratch_table, nullptr);
  pthread_spin_init(&scratch_stats, PTHREAD_PROCESS_PRIVATE);
  if (pthread_mutex_lock(&scratch) != 0) return -1;
  if (pthread_rwlock_wrlock(&scratch_table) != 0) return -1;
  if (pthread_spin_lock(&scratch_stats) != 0) return -1;
  if (!first_address)
    first_address = &scratch;
  else
    same_address = first_address == &scratch;
  return value * 2;  // returns with all three still locked
}
}  // namespace

int main() {
  const int a = locked_scratch(1);
  const int b = locked_scratch(2);
  if (!same_address) {  // the case this program exists for did not happen: say so rather than pass
    std::fprintf(stderr, "reinit_stack_mutex_clean: the two stack mutexes got different addresses\n");
    return 1;
  }
  return a == 2 && b == 4 ? 0 : 1;
}
