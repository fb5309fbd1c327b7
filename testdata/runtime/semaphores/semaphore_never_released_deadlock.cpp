// Bug (deadlock): the consumer takes one item more than the producer releases (an off-by-one in the
// loop bound); once the producer has finished, the consumer waits on the semaphore for ever and the
// main thread waits to join it. No running thread is left to release: a deadlock is reported and
// the process ends.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
lockstep::counting_semaphore<> items{0, "items"};
}  // namespace

int main() {
  std::thread producer([] {
    for (int i = 0; i < 10; ++i) items.release();
  });
  std::thread consumer([] {
    for (int i = 0; i <= 10; ++i) items.acquire();  // one too many
  });
  producer.join();
  consumer.join();
  return 0;
}
