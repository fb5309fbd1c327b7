// Clean: a one-slot mailbox with the drop-in lockstep::mutex and lockstep::condition_variable;
// the payload is written before the hand-over and read after it.
#include <lockstep/lockstep.hpp>

#include <mutex>

namespace {
lockstep::mutex m;
lockstep::condition_variable changed;
bool full = false;
int payload = 0;
}  // namespace

int main() {
  long sum = 0;
  lockstep::thread consumer([&] {
    for (int i = 0; i < 100; ++i) {
      std::unique_lock<lockstep::mutex> lock(m);
      changed.wait(lock, [] { return full; });
      LOCKSTEP_READ(payload);
      sum += payload;
      full = false;
      changed.notify_all();
    }
  });
  lockstep::thread producer([] {
    for (int i = 1; i <= 100; ++i) {
      std::unique_lock<lockstep::mutex> lock(m);
      changed.wait(lock, [] { return !full; });
      LOCKSTEP_WRITE(payload);
      payload = i;
      full = true;
      changed.notify_all();
    }
  });
  producer.join();
  consumer.join();
  return sum == 5050 ? 0 : 1;
}
