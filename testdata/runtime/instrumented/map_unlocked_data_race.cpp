// Unannotated code, built with lockstep_instrument: one thread fills a std::map, another looks a key up
// in it, without a lock; the reader waits for a relaxed flag (which orders nothing) so that the two
// never actually overlap and the tree stays intact. The race is inside the map's own code, seen
// through the instrumented template.
// expect-stack: 0 look_up
// expect-stack: 1 insert_range
#include <atomic>
#include <map>
#include <string>
#include <thread>

namespace {
std::map<int, std::string> names;
std::atomic<bool> filled{false};  // relaxed: orders nothing

void insert_range() {
  for (int i = 0; i < 50; ++i) names[i] = "n" + std::to_string(i);
  filled.store(true, std::memory_order_relaxed);
}

bool look_up() {
  while (!filled.load(std::memory_order_relaxed)) std::this_thread::yield();
  return names.find(25) != names.end();
}
}  // namespace

int main() {
  bool found = false;
  std::thread writer(insert_range), reader([&] { found = look_up(); });
  writer.join();
  reader.join();
  return found ? 0 : 1;
}
