// Unannotated code, built with lockstep_instrument: one thread maps a page range, writes it and unmaps
// it; another thread, told only through a relaxed flag (no happens-before), maps the same addresses
// again and writes them. The second mapping is fresh memory: its writes do not race with the first's.
//
// The free range is found only once both threads run (their stacks are mapped), so that no stack
// takes it; a range taken by something else all the same is no failure (nothing to check then).
#include <sys/mman.h>

#include <atomic>
#include <thread>

namespace {
constexpr std::size_t bytes = 1 << 16;
std::atomic<void *> where{nullptr};  // relaxed, like the flag: orders nothing
std::atomic<bool> unmapped{false};

int *map_at_hint() {
  void *p = mmap(where.load(std::memory_order_relaxed), bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<int *>(p);
}

void wait_for(const std::atomic<bool> &flag) {
  while (!flag.load(std::memory_order_relaxed)) std::this_thread::yield();
}
}  // namespace

int main() {
  std::atomic<bool> go{false};
  bool second_ok = true;
  std::thread first([&] {
    wait_for(go);
    int *p = map_at_hint();
    if (p) {
      p[0] = 1;
      munmap(p, bytes);
    }
    unmapped.store(true, std::memory_order_relaxed);
  });
  std::thread second([&] {
    wait_for(unmapped);
    int *p = map_at_hint();
    if (!p) return;
    p[0] = 2;
    second_ok = p[0] == 2;
    munmap(p, bytes);
  });
  // An address range that is free: reserved, then released.
  void *hole = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (hole == MAP_FAILED || munmap(hole, bytes) != 0) return 1;
  where.store(hole, std::memory_order_relaxed);
  go.store(true, std::memory_order_relaxed);
  first.join();
  second.join();
  return second_ok ? 0 : 1;
}
