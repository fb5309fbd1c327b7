// Clean: the look-alike of binary_semaphore_released_twice: every release of the binary semaphore
// comes after the acquire that emptied it, so the count never passes max() = 1. Also
// sem_post/sem_wait pairs on a POSIX semaphore, whose maximum (SEM_VALUE_MAX) is never reached.
#include <lockstep/lockstep.hpp>

#include <semaphore.h>

#include <thread>

namespace {
lockstep::binary_semaphore turn{0, "turn"};
lockstep::binary_semaphore done{0, "done"};
}  // namespace

int main() {
  std::thread worker([] {
    for (int i = 0; i < 100; ++i) {
      turn.acquire();
      done.release();
    }
  });
  for (int i = 0; i < 100; ++i) {
    turn.release();
    done.acquire();
  }
  worker.join();
  sem_t s;
  sem_init(&s, 0, 0);
  for (int i = 0; i < 10; ++i) sem_post(&s);
  for (int i = 0; i < 10; ++i) sem_wait(&s);
  sem_destroy(&s);
  return 0;
}
