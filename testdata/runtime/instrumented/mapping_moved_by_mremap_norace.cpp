// Unannotated code, built with lockstep_instrument: one thread writes a mapping and moves it elsewhere
// with mremap; another thread, told only through a relaxed flag (no happens-before), maps fresh memory
// at the old addresses and writes them. The new mapping is fresh memory: its writes do not race with
// the ones made there before the move (the moved mapping keeps its contents at the new address).
//
// The ranges are found only once both threads run (their stacks are mapped); a range taken by
// something else all the same is no failure (nothing to check then).
#include <sys/mman.h>

#include <atomic>
#include <thread>

namespace {
constexpr std::size_t bytes = 1 << 16;
std::atomic<void *> from{nullptr}, to{nullptr};  // relaxed, like the flag: orders nothing
std::atomic<bool> moved{false};

void wait_for(const std::atomic<bool> &flag) {
  while (!flag.load(std::memory_order_relaxed)) std::this_thread::yield();
}

char *free_ranges() {  // two neighbouring ranges of `bytes`: reserved, then released
  void *hole = mmap(nullptr, 2 * bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return hole == MAP_FAILED || munmap(hole, 2 * bytes) != 0 ? nullptr : static_cast<char *>(hole);
}
}  // namespace

int main() {
  std::atomic<bool> go{false};
  bool kept = true, second_ok = true;
  std::thread first([&] {
    wait_for(go);
    void *p = mmap(from.load(std::memory_order_relaxed), bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != MAP_FAILED) {
      static_cast<int *>(p)[0] = 1;
      void *q = mremap(p, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, to.load(std::memory_order_relaxed));
      if (q != MAP_FAILED) {
        kept = static_cast<int *>(q)[0] == 1;
        munmap(q, bytes);
      } else {
        kept = false;  // the move is what this program checks
        munmap(p, bytes);
      }
    }
    moved.store(true, std::memory_order_relaxed);
  });
  std::thread second([&] {
    wait_for(moved);
    void *p = mmap(from.load(std::memory_order_relaxed), bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) return;
    static_cast<int *>(p)[0] = 2;
    second_ok = static_cast<int *>(p)[0] == 2;
    munmap(p, bytes);
  });
  char *holes = free_ranges();
  if (!holes) return 1;
  from.store(holes, std::memory_order_relaxed);
  to.store(holes + bytes, std::memory_order_relaxed);
  go.store(true, std::memory_order_relaxed);
  first.join();
  second.join();
  return kept && second_ok ? 0 : 1;
}
