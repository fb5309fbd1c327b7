// The runtime's own memory: an mmap-backed size-class allocator (never malloc, see rtl.hpp rule 1).
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <sched.h>

#include "rtl.hpp"
#include "runtime_memory.hpp"

namespace lockstep::rt {

void spinlock::lock_slow() noexcept {
  // Spin briefly (the holder runs a few dozen instructions), then yield the core: with 2 cores and many
  // threads, pure spinning would starve the holder.
  for (int i = 0;; ++i) {
    if (!flag_.load(std::memory_order_relaxed) && !flag_.exchange(true, std::memory_order_acquire)) return;
    if (i < 64)
      cpu_relax();
    else
      sched_yield();
  }
}

namespace {

constexpr std::size_t min_class_shift = 4;   // 16 bytes
constexpr std::size_t max_class_shift = 20;  // 1 MiB; larger blocks are mapped directly
constexpr std::size_t region_size = 4u << 20;

struct free_block {
  free_block *next;
};

struct allocator_state {
  spinlock mtx;
  free_block *free_lists[max_class_shift + 1] = {};
  char *region = nullptr;
  std::size_t region_left = 0;
};

// Zero-initialized static storage: usable before any constructor runs (rule 5).
allocator_state g_alloc;

std::size_t class_of(std::size_t size) {
  std::size_t shift = min_class_shift;
  while ((std::size_t{1} << shift) < size) ++shift;
  return shift;
}

}  // namespace

void *internal_alloc(std::size_t size) noexcept {
  if (size == 0) size = 1;
  const std::size_t shift = class_of(size);
  if (shift > max_class_shift) return map_runtime_range(std::size_t{1} << shift);
  const std::size_t block = std::size_t{1} << shift;
  spin_guard g(g_alloc.mtx);
  if (free_block *b = g_alloc.free_lists[shift]) {
    g_alloc.free_lists[shift] = b->next;
    std::memset(b, 0, block);  // callers rely on zeroed memory
    return b;
  }
  if (g_alloc.region_left < block) {
    // The tail of the old region is abandoned (at most one block of the largest class in use).
    char *r = static_cast<char *>(map_runtime_range(region_size));
    if (!r) return nullptr;
    g_alloc.region = r;
    g_alloc.region_left = region_size;
  }
  // Blocks are aligned to their size (up to a page), so a record's first cache line is one line
  // (sync_var). The gap before such a block goes to the free lists as the aligned blocks it is made
  // of (its lowest set bits, smallest first), so nothing is lost.
  const std::size_t align = block < 4096 ? block : 4096;
  while (const std::size_t misaligned = reinterpret_cast<std::uintptr_t>(g_alloc.region) & (align - 1)) {
    const std::size_t piece = misaligned & -misaligned;  // the lowest set bit: a block g_alloc.region is aligned to
    if (g_alloc.region_left < piece + block) break;  // (cannot happen: regions are multiples of every class)
    auto *b = reinterpret_cast<free_block *>(g_alloc.region);
    const std::size_t piece_shift = static_cast<std::size_t>(__builtin_ctzll(piece));
    b->next = g_alloc.free_lists[piece_shift];
    g_alloc.free_lists[piece_shift] = b;
    g_alloc.region += piece;
    g_alloc.region_left -= piece;
  }
  void *p = g_alloc.region;
  g_alloc.region += block;
  g_alloc.region_left -= block;
  return p;  // fresh mmap memory is zero
}

void alloc_fork_lock() noexcept { g_alloc.mtx.lock(); }
void alloc_fork_unlock() noexcept { g_alloc.mtx.unlock(); }

void internal_free(void *p, std::size_t size) noexcept {
  if (!p) return;
  if (size == 0) size = 1;
  const std::size_t shift = class_of(size);
  if (shift > max_class_shift) {
    ::syscall(SYS_munmap, p, std::size_t{1} << shift);  // not through the interposed munmap (interpose.cpp)
    return;
  }
  spin_guard g(g_alloc.mtx);
  auto *b = static_cast<free_block *>(p);
  b->next = g_alloc.free_lists[shift];
  g_alloc.free_lists[shift] = b;
}

}  // namespace lockstep::rt
