// Unannotated code, built with lockstep_instrument: 300 threads live at once, more than the
// instrumented shadow has ids for (255). The threads left without one are checked but not recorded
// (a race where one of them comes first is missed, said once on stderr); nothing is reported on their
// correct code: each writes its own slot of a shared array and adds to a counter under a mutex, and
// the main thread reads it all after joining them.
// expect-stderr: more threads run at once than the instrumented shadow has ids for
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int kThreads = 300;
std::mutex counter_mutex;
long counter = 0;
long slots[kThreads];
std::atomic<int> started{0};

void run(int id) {
  started.fetch_add(1);
  while (started.load() < kThreads) std::this_thread::yield();  // all live at once
  for (int i = 0; i < 100; ++i) {
    slots[id] += i;
    std::lock_guard<std::mutex> g(counter_mutex);
    ++counter;
  }
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(run, i);
  for (auto &t : threads) t.join();
  long sum = 0;
  for (long s : slots) sum += s;
  return counter == kThreads * 100L && sum == kThreads * 4950L ? 0 : 1;
}
