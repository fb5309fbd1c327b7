// Unannotated code, built with lockstep_instrument: one thread maps a page range, writes it and unmaps
// it; another thread, told only through a relaxed flag (no happens-before), maps the same addresses
// again and writes them. The second mapping is fresh memory: its writes do not race with the first's.
#include <sys/mman.h>

#include <atomic>
#include <thread>

namespace {
constexpr std::size_t bytes = 1 << 16;
void *where = nullptr;
std::atomic<bool> unmapped{false};  // relaxed: orders nothing

int *map_at_hint() {
  void *p = mmap(where, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<int *>(p);
}
}  // namespace

int main() {
  // An address range that is free: reserved, then released.
  where = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (where == MAP_FAILED || munmap(where, bytes) != 0) return 1;
  bool second_ok = false;
  std::thread first([] {
    int *p = map_at_hint();
    if (!p) __builtin_trap();
    p[0] = 1;
    munmap(p, bytes);
    unmapped.store(true, std::memory_order_relaxed);
  });
  std::thread second([&] {
    while (!unmapped.load(std::memory_order_relaxed)) std::this_thread::yield();
    int *p = map_at_hint();
    if (!p) return;  // taken by something else in between: nothing to check
    p[0] = 2;
    second_ok = p[0] == 2;
    munmap(p, bytes);
  });
  first.join();
  second.join();
  return second_ok ? 0 : 1;
}
