// Clean: a bounded queue with two condition variables and predicate loops, two producers and two
// consumers, and the deadlock check every 2 ms: threads are often all asleep on the condition
// variables for a moment while a notification is on its way. A waiter whose notification has been
// sent must never count as stuck.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

// lockstep-options: deadlock_check_ms=2

namespace {
constexpr int items_per_producer = 3000;
constexpr std::size_t capacity = 2;
std::mutex mu;
std::condition_variable not_full, not_empty;
std::deque<int> queue;  // guarded by mu
long long sum = 0;      // guarded by mu
int producers_left = 2; // guarded by mu

void produce() {
  for (int i = 1; i <= items_per_producer; ++i) {
    std::unique_lock<std::mutex> lock(mu);
    not_full.wait(lock, [] { return queue.size() < capacity; });
    queue.push_back(i);
    not_empty.notify_one();
  }
  std::lock_guard<std::mutex> lock(mu);
  if (--producers_left == 0) not_empty.notify_all();
}

void consume() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mu);
    not_empty.wait(lock, [] { return !queue.empty() || producers_left == 0; });
    if (queue.empty()) return;
    sum += queue.front();
    queue.pop_front();
    not_full.notify_one();
  }
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  threads.emplace_back(produce);
  threads.emplace_back(produce);
  threads.emplace_back(consume);
  threads.emplace_back(consume);
  for (std::thread &t : threads) t.join();
  const long long expected = 2LL * items_per_producer * (items_per_producer + 1) / 2;
  return sum == expected ? 0 : 1;
}
