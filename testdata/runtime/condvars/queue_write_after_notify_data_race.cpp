// Bug (data-race): the producer hands a message over correctly, then updates its "last sent"
// field after releasing the mutex, while the consumer reads that field under the mutex.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::mutex m;
std::condition_variable ready_cv;
bool ready = false;
int message = 0;
int last_sent = 0;
}  // namespace

int main() {
  int seen = 0;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    ready_cv.wait(lock, [] { return ready; });
    LOCKSTEP_READ(message);
    LOCKSTEP_READ(last_sent);  // under the mutex, but the producer writes it outside
    seen = message + last_sent;
  });
  std::thread producer([] {
    {
      std::lock_guard<std::mutex> lock(m);
      LOCKSTEP_WRITE(message);
      message = 7;
      ready = true;
    }
    ready_cv.notify_one();
    LOCKSTEP_WRITE(last_sent);  // after the unlock: unordered with the consumer's read
    last_sent = 7;
  });
  producer.join();
  consumer.join();
  return seen >= 7 ? 0 : 1;
}
