// Bug (data-race): the producer notifies while holding the mutex the consumer waits with (a
// notification that orders nothing beyond that mutex), unlocks, and only then updates its "last
// sent" field, which the consumer reads under the mutex after its wakeup.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::mutex m;
std::condition_variable ready_cv;
bool ready = false;
int last_sent = 0;
}  // namespace

int main() {
  int seen = 0;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    ready_cv.wait(lock, [] { return ready; });
    LOCKSTEP_READ(last_sent);  // under the mutex, but the producer writes it after its unlock
    seen = last_sent;
  });
  std::thread producer([] {
    {
      std::lock_guard<std::mutex> lock(m);
      ready = true;
      ready_cv.notify_one();
    }
    LOCKSTEP_WRITE(last_sent);  // after the unlock: unordered with the consumer's read
    last_sent = 7;
  });
  producer.join();
  consumer.join();
  return seen >= 0 ? 0 : 1;
}
