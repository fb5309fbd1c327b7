// Unannotated code, built with lockstep_instrument: pages mapped read-only go unchecked (they can only
// be read), but once they can be written again they are checked like any memory. Three races, each by
// two threads writing one int with no lock: in read-only anonymous mappings (a small and a large one)
// made writable with mprotect, and in a read-only mapping unmapped and replaced at the same address by
// a writable one.
// expect-reports: 3
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <thread>

namespace {
constexpr std::size_t small_bytes = 2 * 4096, large_bytes = 3 << 20;
std::atomic<int> written{0};  // relaxed: orders nothing

// One instance per race: the same pair of places is reported once.
template <int Which> void write_unlocked(int *p, int value) {
  *p = value;
  written.fetch_add(1, std::memory_order_relaxed);
}

template <int Which> void race_on(int *p) {
  written.store(0, std::memory_order_relaxed);
  std::thread other(write_unlocked<Which>, p, Which);
  while (written.load(std::memory_order_relaxed) == 0) std::this_thread::yield();
  *p = -Which;  // the other thread's write is not ordered before this one
  other.join();
}

// An int inside the 1 MiB-aligned megabyte of a large mapping (the runtime's shadow treats a region
// covered whole by a read-only mapping apart from one covered in part).
int *inside_whole_megabyte(void *m) {
  const auto a = (reinterpret_cast<std::uintptr_t>(m) + (std::uintptr_t{1} << 20) - 1) & ~((std::uintptr_t{1} << 20) - 1);
  return reinterpret_cast<int *>(a) + 1000;
}
}  // namespace

int main() {
  // Made writable with mprotect: a small mapping, and a large one.
  void *small = mmap(nullptr, small_bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *large = mmap(nullptr, large_bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (small == MAP_FAILED || large == MAP_FAILED) return 2;
  const volatile int seen = *inside_whole_megabyte(large);  // read while read-only: unchecked
  (void)seen;
  if (mprotect(small, small_bytes, PROT_READ | PROT_WRITE) != 0 ||
      mprotect(large, large_bytes, PROT_READ | PROT_WRITE) != 0)
    return 2;
  race_on<1>(static_cast<int *>(small) + 1);
  race_on<2>(inside_whole_megabyte(large));

  // Unmapped and replaced at the same address by a writable mapping.
  void *r = mmap(nullptr, large_bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED) return 2;
  const volatile int first = *inside_whole_megabyte(r);
  (void)first;
  if (mmap(r, large_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != r) return 2;
  race_on<3>(inside_whole_megabyte(r));
  munmap(small, small_bytes);
  munmap(large, large_bytes);
  munmap(r, large_bytes);
  return 0;
}
