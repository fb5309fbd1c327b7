// Unannotated code, built with lockstep_instrument, run with options that make the instrumented
// shadow's rare events constant: a new shadow id at every epoch and only 6 ids, so that they run out
// every few operations and the whole shadow is emptied (a reset) while four threads work. Data handed
// over by a mutex, a condition-variable queue and release/acquire publication, each thread's own
// buffer reused across resets: all ordered, nothing may be reported (an id that changed hands at a
// reset must never make an ordered access look concurrent). The racy look-alike:
// shadow_resets_unlocked_counter_data_race.cpp.
// lockstep-options: shadow_id_epochs=1:shadow_ids=6
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int kRounds = 2000;

std::mutex counter_mutex;
long counter = 0;

std::mutex queue_mutex;
std::condition_variable queue_ready;
std::deque<std::vector<int>> queue;

int published[16];
std::atomic<int> published_round{0};

void worker(int id) {
  std::vector<int> own(64, id);
  for (int round = 1; round <= kRounds; ++round) {
    for (int &x : own) x += round;  // the thread's own memory, under ever new ids
    {
      std::lock_guard<std::mutex> g(counter_mutex);
      ++counter;
    }
    if (id == 0 && round % 50 == 0) {
      {
        std::lock_guard<std::mutex> g(queue_mutex);
        queue.push_back(own);
      }
      queue_ready.notify_one();
    }
  }
}

void consumer(int expected) {
  for (int got = 0; got < expected; ++got) {
    std::unique_lock<std::mutex> g(queue_mutex);
    queue_ready.wait(g, [] { return !queue.empty(); });
    std::vector<int> v = std::move(queue.front());
    queue.pop_front();
    g.unlock();
    if (v.size() != 64) __builtin_trap();
  }
}

void publisher() {
  for (int round = 1; round <= 200; ++round) {
    while (published_round.load(std::memory_order_acquire) != 2 * round - 2) std::this_thread::yield();
    for (int &x : published) x = round;
    published_round.store(2 * round - 1, std::memory_order_release);
  }
}

void subscriber() {
  for (int round = 1; round <= 200; ++round) {
    while (published_round.load(std::memory_order_acquire) != 2 * round - 1) std::this_thread::yield();
    for (int x : published)
      if (x != round) __builtin_trap();
    published_round.store(2 * round, std::memory_order_release);
  }
}
}  // namespace

int main() {
  std::thread c(consumer, kRounds / 50), w0(worker, 0), w1(worker, 1), p(publisher), s(subscriber);
  w0.join();
  w1.join();
  c.join();
  p.join();
  s.join();
  return counter == 2 * kRounds ? 0 : 1;
}
