// Bug (data-race): the drop-in twin of sem_post_before_write_data_race: the producer releases the
// semaphore, then writes the message; the consumer's read after acquire() is not ordered with it.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::binary_semaphore ready{0, "ready"};
int message = 0;

__attribute__((noinline)) void publish(int value) {
  LOCKSTEP_WRITE(message);  // too late: after the release
  message = value;
}

__attribute__((noinline)) int take() {
  LOCKSTEP_READ(message);
  return message;
}
}  // namespace

int main() {
  int seen = 0;
  std::thread consumer([&] {
    ready.acquire();
    seen = take();
    asm volatile("" ::: "memory");
  });
  std::thread producer([] {
    ready.release();
    publish(42);
    asm volatile("" ::: "memory");
  });
  producer.join();
  consumer.join();
  return 0;
}
