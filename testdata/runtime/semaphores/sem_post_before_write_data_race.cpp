// Bug (data-race): the producer posts the semaphore first and writes the message after it, so the
// consumer's read after sem_wait() is not ordered with the write (the post happens before the
// wait returns; the write does not). Whichever runs first, both accesses run and nothing orders
// them (the read may run before or after the write, so the report's order varies). POSIX
// semaphores, unmodified code.
#include <lockstep/lockstep.h>

#include <pthread.h>
#include <semaphore.h>

namespace {
sem_t ready;
int message = 0;

__attribute__((noinline)) void publish(int value) {
  LOCKSTEP_WRITE(message);  // too late: after the post
  message = value;
}

__attribute__((noinline)) void *produce(void *) {
  sem_post(&ready);
  publish(42);
  asm volatile("" ::: "memory");  // keeps this frame: no tail call
  return nullptr;
}

__attribute__((noinline)) int take() {
  LOCKSTEP_READ(message);
  return message;
}

__attribute__((noinline)) void *consume(void *out) {
  sem_wait(&ready);
  *static_cast<int *>(out) = take();
  asm volatile("" ::: "memory");
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
