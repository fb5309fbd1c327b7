// Bug (data-race): the producer posts the semaphore first and writes the message after it, so the
// consumer's read after sem_wait() is not ordered with the write (the post happens before the
// wait returns; the write does not). Whichever runs first, both accesses run and nothing orders
// them. POSIX semaphores, unmodified code.
#include <lockstep/lockstep.h>

#include <pthread.h>
#include <semaphore.h>

// expect-stack: 0 consume
// expect-stack: 1 produce

namespace {
sem_t ready;
int message = 0;

__attribute__((noinline)) void *produce(void *) {
  sem_post(&ready);
  LOCKSTEP_WRITE(message);  // too late: after the post
  message = 42;
  return nullptr;
}

__attribute__((noinline)) void *consume(void *out) {
  sem_wait(&ready);
  LOCKSTEP_READ(message);
  *static_cast<int *>(out) = message;
  return nullptr;
}
}  // namespace

int main() {
  sem_init(&ready, 0, 0);
  int seen = 0;
  pthread_t p, c;
  pthread_create(&c, nullptr, consume, &seen);
  pthread_create(&p, nullptr, produce, nullptr);
  pthread_join(p, nullptr);
  pthread_join(c, nullptr);
  sem_destroy(&ready);
  return 0;
}
