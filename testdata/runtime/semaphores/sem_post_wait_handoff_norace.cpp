// Clean (norace): a bounded buffer built from two POSIX semaphores, the textbook way: the producer
// fills a slot and sem_post()s `items`; the consumer sem_wait()s `items`, reads the slot and
// sem_post()s `slots`, which the producer sem_wait()s before reusing it. Every write of a slot
// happens before its read (post -> the wait that takes that permit) and every read before the
// slot's next write, so nothing races. Unmodified code: only <semaphore.h>, plus annotations.
#include <lockstep/lockstep.h>

#include <pthread.h>
#include <semaphore.h>

namespace {
constexpr int capacity = 4, messages = 200;
int ring[capacity];
sem_t slots, items;

void *produce(void *) {
  for (int i = 0; i < messages; ++i) {
    sem_wait(&slots);
    LOCKSTEP_WRITE(ring[i % capacity]);
    ring[i % capacity] = i;
    sem_post(&items);
  }
  return nullptr;
}

void *consume(void *out) {
  long sum = 0;
  for (int i = 0; i < messages; ++i) {
    while (sem_trywait(&items) != 0) {  // the try path too, half of the time
      if (i % 2 == 0) {
        sem_wait(&items);
        break;
      }
    }
    LOCKSTEP_READ(ring[i % capacity]);
    sum += ring[i % capacity];
    sem_post(&slots);
  }
  *static_cast<long *>(out) = sum;
  return nullptr;
}
}  // namespace

int main() {
  sem_init(&slots, 0, capacity);
  sem_init(&items, 0, 0);
  long sum = 0;
  pthread_t p, c;
  pthread_create(&c, nullptr, consume, &sum);
  pthread_create(&p, nullptr, produce, nullptr);
  pthread_join(p, nullptr);
  pthread_join(c, nullptr);
  sem_destroy(&slots);
  sem_destroy(&items);
  return sum == long{messages} * (messages - 1) / 2 ? 0 : 1;
}
