// Unannotated code, built with lockstep_instrument: what the standard library synchronizes, used
// correctly. A std::map under a std::mutex, a condition-variable queue, shared_ptr reference counts
// dropped on several threads, std::counting_semaphore, std::latch and std::barrier (header-only:
// their atomics are instrumented), promise/future and std::async, thread_local counters, adjacent
// members and bytes written by different threads.
#include <barrier>
#include <condition_variable>
#include <future>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

namespace {

std::mutex map_mu;
std::map<int, std::string> table;

std::mutex queue_mu;
std::condition_variable queue_cv;
std::queue<int> work;
bool closed = false;

struct Tracked {
  std::vector<int> data = std::vector<int>(64, 1);
};

thread_local int per_thread = 0;

struct Adjacent {
  char a;
  char b;
  short c;
  int d;
};
Adjacent adjacent;

int handed_over = 0;

}  // namespace

int main() {
  // A map under a mutex.
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([t] {
      for (int i = 0; i < 50; ++i) {
        std::lock_guard<std::mutex> g(map_mu);
        table[t * 100 + i] = std::to_string(i);
      }
    });
  for (auto &t : ts) t.join();
  ts.clear();

  // A condition-variable queue.
  long sum = 0;
  std::thread consumer([&] {
    for (;;) {
      std::unique_lock<std::mutex> lk(queue_mu);
      queue_cv.wait(lk, [] { return closed || !work.empty(); });
      if (work.empty()) return;
      sum += work.front();
      work.pop();
    }
  });
  for (int i = 1; i <= 100; ++i) {
    std::lock_guard<std::mutex> g(queue_mu);
    work.push(i);
    queue_cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> g(queue_mu);
    closed = true;
  }
  queue_cv.notify_one();
  consumer.join();

  // shared_ptr: the last owner, on whichever thread, destroys the object.
  {
    auto shared = std::make_shared<Tracked>();
    for (int t = 0; t < 4; ++t)
      ts.emplace_back([copy = shared] {
        int s = 0;
        for (int v : copy->data) s += v;
        if (s != 64) __builtin_trap();
      });
    shared.reset();
    for (auto &t : ts) t.join();
    ts.clear();
  }

  // A semaphore hands a value over; a latch and a barrier order phases.
  std::binary_semaphore handed{0};
  std::thread giver([&] {
    handed_over = 5;
    handed.release();
  });
  handed.acquire();
  if (handed_over != 5) __builtin_trap();
  giver.join();

  std::vector<int> cells(4, 0);
  std::latch filled(4);
  std::barrier phase(4);
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      cells[t] = t + 1;
      filled.count_down();
      phase.arrive_and_wait();
      int s = 0;
      for (int v : cells) s += v;  // every cell was written before the barrier
      if (s != 10) __builtin_trap();
      phase.arrive_and_wait();
      cells[t] = 0;
    });
  filled.wait();
  for (auto &t : ts) t.join();
  ts.clear();

  // promise/future and async.
  std::promise<std::string> promised;
  std::future<std::string> result = promised.get_future();
  std::thread setter([&] { promised.set_value(std::string(100, 'x')); });
  if (result.get().size() != 100) __builtin_trap();
  setter.join();
  auto computed = std::async(std::launch::async, [] { return std::vector<int>(10, 2); });
  if (computed.get().size() != 10) __builtin_trap();

  // thread_local, adjacent members.
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([t] {
      for (int i = 0; i < 100; ++i) ++per_thread;
      switch (t) {
        case 0: adjacent.a = 1; break;
        case 1: adjacent.b = 2; break;
        case 2: adjacent.c = 3; break;
        default: adjacent.d = 4; break;
      }
    });
  for (auto &t : ts) t.join();

  return sum == 5050 && table.size() == 200 && adjacent.a + adjacent.b + adjacent.c + adjacent.d == 10 ? 0 : 1;
}
