// Bug (deadlock): the case. The only other thread notifies and exits before the main thread
// waits, and the main thread waits without a predicate: the notification is lost, and no live thread
// is left that could notify again. The runtime reports a deadlock and ends the process instead of
// hanging.
#include <condition_variable>
#include <mutex>
#include <thread>

// expect-stack: 0 wait_for_result

namespace {
std::mutex result_mutex;
std::condition_variable result_ready;
int result = 0;

__attribute__((noinline)) void wait_for_result() {
  std::unique_lock<std::mutex> lock(result_mutex);
  result_ready.wait(lock);  // no predicate: the notification already happened
  asm volatile("" ::: "memory");
}
}  // namespace

int main() {
  std::thread producer([] {
    {
      std::lock_guard<std::mutex> lock(result_mutex);
      result = 42;
    }
    result_ready.notify_one();
  });
  producer.join();  // the notification is certainly over before the wait starts
  wait_for_result();
  return result == 42 ? 0 : 1;
}
