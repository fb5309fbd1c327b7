// Bug (data-race): two threads modify the store while holding only a *shared* (read) lock, which
// does not order them against each other.
#include <lockstep/lockstep.hpp>

#include <shared_mutex>
#include <thread>

namespace {
std::shared_mutex store_mutex;
int hits = 0;

void record_hit() {
  std::shared_lock<std::shared_mutex> lock(store_mutex);  // should be unique_lock
  LOCKSTEP_READ(hits);
  LOCKSTEP_WRITE(hits);
  ++hits;
}
}  // namespace

int main() {
  std::thread a([] {
    for (int i = 0; i < 50; ++i) record_hit();
  });
  std::thread b([] {
    for (int i = 0; i < 50; ++i) record_hit();
  });
  a.join();
  b.join();
  return 0;
}
