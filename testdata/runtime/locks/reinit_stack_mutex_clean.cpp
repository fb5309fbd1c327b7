// Clean: a function builds a pthread mutex on its stack, locks it and returns without unlocking
// (legal: nobody else ever sees it). Called twice, the second mutex sits at the same address as the
// first: pthread_mutex_init makes it a new, unlocked mutex, so locking it is no double lock.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <pthread.h>

namespace {
const void *first_address = nullptr;
bool same_address = false;

__attribute__((noinline)) int locked_scratch(int value) {
  pthread_mutex_t scratch;
  pthread_mutex_init(&scratch, nullptr);
  if (pthread_mutex_lock(&scratch) != 0) return -1;
  if (!first_address)
    first_address = &scratch;
  else
    same_address = first_address == &scratch;
  return value * 2;  // returns with scratch still locked
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
