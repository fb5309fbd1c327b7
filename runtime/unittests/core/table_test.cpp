// The address table's lookups under concurrent removal and reuse of nodes (table.hpp), on its own sources.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "table.hpp"

namespace {

using lockstep::rt::addr_table;

struct node {
  std::atomic<std::uintptr_t> addr{0};
  std::atomic<node *> next{nullptr};
  node *free_next = nullptr;
  node *all_next = nullptr;
};

TEST(AddrTable, FindsInsertsAndRemoves) {
  static addr_table<node, 4> t;
  bool fresh = false;
  node *a = t.get_or_create(0x1000, [](node &) {}, fresh);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(fresh);
  EXPECT_EQ(t.get_or_create(0x1000, [](node &) {}, fresh), a);
  EXPECT_FALSE(fresh);
  EXPECT_EQ(t.find(0x1000), a);
  EXPECT_EQ(t.find(0x2000), nullptr);
  EXPECT_EQ(t.live(), 1u);
  EXPECT_TRUE(t.remove(0x1000, [](node &) {}));
  EXPECT_FALSE(t.remove(0x1000, [](node &) {}));
  EXPECT_EQ(t.find(0x1000), nullptr);
  EXPECT_EQ(t.live(), 0u);
  // The recycled node serves the next insertion.
  EXPECT_EQ(t.get_or_create(0x3000, [](node &) {}, fresh), a);
}

// After a fork the child visits every node, live or recycled, exactly once (to release the node locks
// other threads of the parent held).
TEST(AddrTable, ForkChildVisitsEveryNodeOnce) {
  static addr_table<node, 4> t;
  bool fresh;
  std::vector<node *> made;
  for (std::uintptr_t k = 1; k <= 10; ++k) made.push_back(t.get_or_create(k * 8, [](node &) {}, fresh));
  for (std::uintptr_t k = 1; k <= 4; ++k) ASSERT_TRUE(t.remove(k * 8, [](node &) {}));  // 4 free, 6 live
  ASSERT_NE(t.get_or_create(0x1000, [](node &) {}, fresh), nullptr);  // reuses a free one: still 10 nodes
  std::vector<node *> seen;
  t.for_each_node_in_fork_child([&](node &n) { seen.push_back(&n); });
  std::sort(seen.begin(), seen.end());
  std::sort(made.begin(), made.end());
  EXPECT_EQ(seen, made);
}

// Counts, for 1.5 s, the live keys k * 8 + offset (k in 1..64, inserted first) that `missed` says
// a lookup missed, while two threads insert and remove other keys in turn: their nodes move between
// buckets (which rewrites their `next`). With 4 buckets chains are long and such a reuse happens
// under nearly every walk.
template <class Missed> long misses_while_nodes_are_recycled(std::uintptr_t offset, Missed missed) {
  static addr_table<node, 2> t;
  constexpr std::uintptr_t live_keys = 64;
  bool fresh;
  for (std::uintptr_t k = 1; k <= live_keys; ++k)
    if (!t.get_or_create(k * 8 + offset, [](node &) {}, fresh)) return -1;
  std::atomic<bool> stop{false};
  std::vector<std::thread> churn;
  for (int c = 0; c < 2; ++c)
    churn.emplace_back([&, c] {
      std::uintptr_t k = 1000 + static_cast<std::uintptr_t>(c) * 100000;
      bool f;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 16; ++i) t.get_or_create((k + i) * 8, [](node &) {}, f);
        for (int i = 0; i < 16; ++i) t.remove((k + i) * 8, [](node &) {});
        k += 16;
      }
    });
  long misses = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < deadline)
    for (std::uintptr_t k = 1; k <= live_keys; ++k)
      if (missed(t, k * 8, k * 8 + offset)) ++misses;
  stop = true;
  for (auto &th : churn) th.join();
  for (std::uintptr_t k = 1; k <= live_keys; ++k) t.remove(k * 8 + offset, [](node &) {});
  return misses;
}

// A lookup of a key that stays live the whole time must never miss while the nodes in front of it in
// its chain are recycled.
TEST(AddrTable, LiveKeyIsNeverMissedWhileOtherNodesAreRecycled) {
  EXPECT_EQ(misses_while_nodes_are_recycled(0, [](auto &t, std::uintptr_t, std::uintptr_t key) {
              return t.find(key) == nullptr;
            }),
            0);
}

// A range's records, one 8-byte step at a time (freed memory): every address inside, odd ones too (a
// std::atomic<bool>), none outside, none of another window whose addresses share the bucket.
TEST(AddrTable, AddressesInStepAreThoseInTheRange) {
  static addr_table<node, 4> t;  // 16 buckets: 0x1000 and 0x1000 + (8 << 4) share one
  bool fresh;
  for (std::uintptr_t a : {0x1000, 0x1001, 0x1004, 0x1007, 0x1008, 0xfff, 0x1000 + (8 << 4)})
    ASSERT_NE(t.get_or_create(a, [](node &) {}, fresh), nullptr);
  std::uintptr_t out[8];
  unsigned n = t.addresses_in_step(0x1000, 0x1008, out, 8);
  std::sort(out, out + n);
  EXPECT_EQ(std::vector<std::uintptr_t>(out, out + n), (std::vector<std::uintptr_t>{0x1000, 0x1001, 0x1004, 0x1007}));
  n = t.addresses_in_step(0x1002, 0x1005, out, 8);  // a step cut by the range's ends
  EXPECT_EQ(std::vector<std::uintptr_t>(out, out + n), (std::vector<std::uintptr_t>{0x1004}));
  EXPECT_EQ(t.addresses_in_step(0x2000, 0x2008, out, 8), 0u);
  EXPECT_EQ(t.addresses_in_step(0x1000, 0x1008, out, 2), 2u);  // at most `max`
}

// A whole range (a freed block), step by step: every record inside, in order, none outside or of another
// window sharing a bucket; the callback may remove what it is given (sync_forget does).
TEST(AddrTable, ForEachAddressInVisitsTheRangesRecordsAndAllowsTheirRemoval) {
  static addr_table<node, 4> t;
  bool fresh;
  for (std::uintptr_t a : {0x0ffe, 0x1003, 0x1010, 0x1011, 0x1038, 0x103f, 0x1040, 0x1003 + (8 << 4)})
    ASSERT_NE(t.get_or_create(a, [](node &) {}, fresh), nullptr);
  std::vector<std::uintptr_t> seen;
  t.for_each_address_in(0x1001, 0x1040, [&](std::uintptr_t a) {
    seen.push_back(a);
    EXPECT_TRUE(t.remove(a, [](node &) {}));
  });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::uintptr_t>{0x1003, 0x1010, 0x1011, 0x1038, 0x103f}));
  for (std::uintptr_t kept : {0x0ffe, 0x1040, 0x1003 + (8 << 4)}) EXPECT_NE(t.find(kept), nullptr);
  for (std::uintptr_t gone : seen) EXPECT_EQ(t.find(gone), nullptr);
}

// The range walk must not miss a live record either while nodes in its chain are recycled elsewhere
// (a record missed in freed memory would outlive it: a later mutex there would start out held).
TEST(AddrTable, AddressesInStepNeverMissALiveKeyWhileOtherNodesAreRecycled) {
  EXPECT_EQ(misses_while_nodes_are_recycled(4, [](auto &t, std::uintptr_t step, std::uintptr_t key) {
              std::uintptr_t out[8];
              return t.addresses_in_step(step, step + 8, out, 8) != 1 || out[0] != key;
            }),
            0);
}

}  // namespace
