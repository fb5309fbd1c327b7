// Clean (norace): a bounded buffer built from two lockstep::counting_semaphore, as std code would use
// std::counting_semaphore: the producer fills a slot and releases `items`; the consumer acquires
// `items` (blocking, try and timed, in turn), reads the slot and releases `slots`. Every write of a
// slot happens before its read and every read before the slot's next write.
#include <lockstep/lockstep.hpp>

#include <chrono>
#include <thread>

namespace {
constexpr int capacity = 4, messages = 300;
int ring[capacity];
lockstep::counting_semaphore<capacity> slots{capacity, "slots"};
lockstep::counting_semaphore<capacity> items{0, "items"};

void take_item(int i) {
  using namespace std::chrono_literals;
  switch (i % 3) {
  case 0: items.acquire(); break;
  case 1:
    while (!items.try_acquire()) std::this_thread::yield();
    break;
  default:
    while (!items.try_acquire_for(1ms)) {
    }
  }
}
}  // namespace

int main() {
  long sum = 0;
  std::thread consumer([&] {
    for (int i = 0; i < messages; ++i) {
      take_item(i);
      LOCKSTEP_READ(ring[i % capacity]);
      sum += ring[i % capacity];
      slots.release();
    }
  });
  std::thread producer([] {
    for (int i = 0; i < messages; ++i) {
      slots.acquire();
      LOCKSTEP_WRITE(ring[i % capacity]);
      ring[i % capacity] = i;
      items.release();
    }
  });
  producer.join();
  consumer.join();
  return sum == long{messages} * (messages - 1) / 2 ? 0 : 1;
}
