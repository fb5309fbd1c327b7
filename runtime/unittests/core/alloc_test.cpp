// The runtime's own allocator (alloc.cpp): blocks aligned to their size (up to a page), the gap left
// before an aligned block handed out later, never a block given twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "rtl.hpp"

namespace lockstep::rt {
namespace {

std::uintptr_t addr(void *p) { return reinterpret_cast<std::uintptr_t>(p); }

TEST(RuntimeAllocator, BlocksAreAlignedToTheirSizeUpToAPage) {
  // Sizes that are not powers of two round up to one; a small block first leaves the region
  // misaligned for the larger ones.
  for (std::size_t size : {16u, 24u, 100u, 300u, 512u, 700u, 2048u, 5000u, 20000u}) {
    void *small = internal_alloc(16);
    void *p = internal_alloc(size);
    ASSERT_NE(p, nullptr);
    std::size_t block = 16;
    while (block < size) block *= 2;
    EXPECT_EQ(addr(p) % std::min<std::size_t>(block, 4096), 0u) << "size " << size << " at " << p;
    std::vector<unsigned char> zero(size, 0);
    EXPECT_EQ(std::memcmp(p, zero.data(), size), 0) << "a new block is zero";
    internal_free(p, size);
    internal_free(small, 16);
  }
}

TEST(RuntimeAllocator, TheGapBeforeAnAlignedBlockIsHandedOutAndNothingTwice) {
  // A 16-byte block, then a 1 KiB one: the 1 KiB one is aligned past a gap of up to 1008 bytes,
  // which goes to the free lists as aligned blocks of 16..512 bytes. Taking many small blocks of
  // those sizes must hand out gap blocks too, each once, none overlapping any other block.
  // Whatever the tests before this one in the process left: 1 KiB blocks until two come from the region
  // one after the other (its pointer then 1 KiB aligned, right after the second), then 16-byte blocks
  // (free ones are taken first) until one comes from the region, right there.
  std::vector<std::pair<std::uintptr_t, std::size_t>> live;
  for (int i = 0; i < 64 && (live.size() < 2 || live.back().first != live[live.size() - 2].first + 1024); ++i)
    live.emplace_back(addr(internal_alloc(1024)), 1024);
  const std::uintptr_t region = live.back().first + 1024;
  for (int i = 0; i < 4096 && live.back().first != region; ++i) live.emplace_back(addr(internal_alloc(16)), 16);
  ASSERT_EQ(live.back().first, region) << "no 16-byte block came from the region";
  live.emplace_back(addr(internal_alloc(1024)), 1024);
  const std::uintptr_t big = live.back().first;
  bool below = false;  // a later small block lies below the 1 KiB one: it came from the gap
  for (int round = 0; round < 64; ++round)
    for (std::size_t size : {16u, 32u, 64u, 128u, 256u, 512u}) {
      void *p = internal_alloc(size);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(addr(p) % size, 0u);
      if (addr(p) < big && big - addr(p) < 1024) below = true;
      live.emplace_back(addr(p), size);
    }
  EXPECT_TRUE(below) << "the gap before the aligned block was never used";
  std::sort(live.begin(), live.end());
  for (std::size_t i = 1; i < live.size(); ++i)
    EXPECT_LE(live[i - 1].first + live[i - 1].second, live[i].first) << "blocks overlap";
  for (auto [a, size] : live) internal_free(reinterpret_cast<void *>(a), size);
}

}  // namespace
}  // namespace lockstep::rt
