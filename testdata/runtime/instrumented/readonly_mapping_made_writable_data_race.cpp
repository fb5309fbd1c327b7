// Unannotated code, built with lockstep_instrument: pages mapped read-only go unchecked (they can only
// be read), but once they can be written again they are checked like any memory. Two races, each by
// two threads writing one int with no lock: in a read-only anonymous mapping made writable with
// mprotect, and in a read-only mapping unmapped and replaced at the same address by a writable one.
// expect-reports: 2
#include <sys/mman.h>

#include <atomic>
#include <thread>

namespace {
constexpr std::size_t bytes = 2 * 4096;
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
}  // namespace

int main() {
  void *m = mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED || mprotect(m, bytes, PROT_READ | PROT_WRITE) != 0) return 2;
  race_on<1>(static_cast<int *>(m) + 1);

  void *r = mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED) return 2;
  const volatile int first = *static_cast<const int *>(r);  // read while read-only: unchecked
  (void)first;
  if (mmap(r, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != r) return 2;
  race_on<2>(static_cast<int *>(r) + 4096 / sizeof(int));  // on the second page
  munmap(m, bytes);
  munmap(r, bytes);
  return 0;
}
