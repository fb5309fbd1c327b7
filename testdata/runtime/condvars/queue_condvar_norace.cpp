// Clean: a bounded producer/consumer queue with std::mutex and two std::condition_variables;
// items written by the producer are read by the consumer after the hand-over.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
constexpr int capacity = 4;
constexpr int items = 200;

std::mutex m;
std::condition_variable not_empty, not_full;
int buffer[capacity];
int head = 0, count = 0;

void produce() {
  for (int i = 1; i <= items; ++i) {
    std::unique_lock<std::mutex> lock(m);
    not_full.wait(lock, [] {
      LOCKSTEP_READ(count);
      return count < capacity;
    });
    int slot = (head + count) % capacity;
    LOCKSTEP_WRITE(buffer[slot]);
    buffer[slot] = i;
    LOCKSTEP_WRITE(count);
    ++count;
    not_empty.notify_one();
  }
}

long consume() {
  long sum = 0;
  for (int i = 0; i < items; ++i) {
    std::unique_lock<std::mutex> lock(m);
    not_empty.wait(lock, [] {
      LOCKSTEP_READ(count);
      return count > 0;
    });
    LOCKSTEP_READ(buffer[head]);
    sum += buffer[head];
    LOCKSTEP_WRITE(head);
    head = (head + 1) % capacity;
    LOCKSTEP_WRITE(count);
    --count;
    not_full.notify_one();
  }
  return sum;
}
}  // namespace

int main() {
  long sum = 0;
  std::thread consumer([&] { sum = consume(); });
  std::thread producer(produce);
  producer.join();
  consumer.join();
  return sum == items * (items + 1) / 2 ? 0 : 1;
}
