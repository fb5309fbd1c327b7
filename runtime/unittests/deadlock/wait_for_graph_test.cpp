// Directed tests of the wait-for graph: mutex and join cycles, shared owners, any-owner waits.
#include "deadlock/wait_for_graph.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::rt::deadlock {
namespace {

constexpr resource mutex(std::uint64_t id) { return {wait_kind::mutex, id}; }
constexpr resource thread_res(std::uint64_t id) { return {wait_kind::join, id}; }

TEST(WaitForGraph, NotBlockedMeansNotDeadlocked) {
  wait_for_graph g;
  g.add_owner(mutex(1), 1);
  EXPECT_FALSE(g.find_cycle(1));
  EXPECT_FALSE(g.find_cycle(2));
}

TEST(WaitForGraph, TwoThreadsTwoMutexes) {
  wait_for_graph g;
  g.add_owner(mutex(1), 1);
  g.add_owner(mutex(2), 2);
  g.block(1, mutex(2));
  EXPECT_FALSE(g.find_cycle(1));  // T2 still runs and will unlock M2
  g.block(2, mutex(1));
  auto c = g.find_cycle(2);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cycle, (std::vector<wait>{{2, mutex(1)}, {1, mutex(2)}}));
  EXPECT_TRUE(c->lead_in.empty());
  EXPECT_TRUE(g.find_cycle(1));
  // T1 times out of its wait: the cycle is gone.
  g.unblock(1);
  EXPECT_FALSE(g.find_cycle(2));
}

TEST(WaitForGraph, JoinCycle) {
  wait_for_graph g;
  g.add_owner(thread_res(1), 1);
  g.add_owner(thread_res(2), 2);
  g.block(1, thread_res(2));
  EXPECT_FALSE(g.find_cycle(1));
  g.block(2, thread_res(1));
  auto c = g.find_cycle(2);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cycle.size(), 2u);
  // A finished thread no longer owns itself: joining it does not block.
  g.remove_thread(1);
  EXPECT_FALSE(g.find_cycle(2));
}

TEST(WaitForGraph, JoinAndMutexMix) {
  // Main holds M and joins T1; T1 waits for M.
  wait_for_graph g;
  g.add_owner(thread_res(1), 1);
  g.add_owner(mutex(5), 0);
  g.block(1, mutex(5));
  g.block(0, thread_res(1));
  auto c = g.find_cycle(0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cycle, (std::vector<wait>{{0, thread_res(1)}, {1, mutex(5)}}));
}

TEST(WaitForGraph, SelfWaitIsACycleOfOne) {
  wait_for_graph g;
  g.add_owner(mutex(1), 3);
  g.block(3, mutex(1));
  auto c = g.find_cycle(3);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cycle, (std::vector<wait>{{3, mutex(1)}}));
}

TEST(WaitForGraph, QueuedBehindACycleHasALeadIn) {
  wait_for_graph g;
  g.add_owner(mutex(1), 1);
  g.add_owner(mutex(2), 2);
  g.block(1, mutex(2));
  g.block(2, mutex(1));
  g.block(3, mutex(1));
  auto c = g.find_cycle(3);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->lead_in, (std::vector<wait>{{3, mutex(1)}}));
  EXPECT_EQ(c->cycle, (std::vector<wait>{{1, mutex(2)}, {2, mutex(1)}}));
}

TEST(WaitForGraph, WriterWaitsForEveryReader) {
  const resource rw{wait_kind::rwlock_write, 9};
  wait_for_graph g;
  g.add_owner(rw, 1);
  g.add_owner(rw, 2);
  g.add_owner(mutex(1), 3);
  g.block(3, rw);  // writer T3 waits for readers T1 and T2
  g.block(1, mutex(1));  // reader T1 waits for T3's mutex
  auto c = g.find_cycle(3);
  ASSERT_TRUE(c);  // T2 running does not help: T3 needs T1 too
  EXPECT_EQ(c->cycle, (std::vector<wait>{{3, rw}, {1, mutex(1)}}));
  g.remove_owner(rw, 1);  // say T1 had released its read lock before blocking
  EXPECT_FALSE(g.find_cycle(3));
}

TEST(WaitForGraph, AnyOwnerWaitNeedsAllPossibleOwnersStuck) {
  const resource sem{wait_kind::semaphore, 4};
  wait_for_graph g;
  g.add_owner(sem, 2);  // T2 and T3 may post
  g.add_owner(sem, 3);
  g.add_owner(mutex(1), 1);
  g.block(1, sem);
  g.block(2, mutex(1));
  EXPECT_FALSE(g.find_cycle(1));  // T3 can still post
  g.block(3, mutex(1));
  auto c = g.find_cycle(1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cycle, (std::vector<wait>{{1, sem}, {2, mutex(1)}}));  // lowest owner followed
}

TEST(WaitForGraph, ResourceWithoutOwnersNeverDeadlocks) {
  const resource cv{wait_kind::condition_variable, 1};
  wait_for_graph g;
  g.block(1, cv);
  g.block(2, mutex(7));
  EXPECT_FALSE(g.find_cycle(1));
  EXPECT_FALSE(g.find_cycle(2));
}

TEST(WaitForGraph, OwnershipBookkeeping) {
  wait_for_graph g;
  g.add_owner(mutex(1), 4);
  g.add_owner(mutex(1), 2);
  g.add_owner(mutex(1), 4);
  EXPECT_EQ(g.owners(mutex(1)), (std::vector<thread_id>{2, 4}));
  g.remove_owner(mutex(1), 3);  // not an owner: no effect
  g.remove_owner(mutex(1), 4);
  EXPECT_EQ(g.owners(mutex(1)), (std::vector<thread_id>{2}));
  g.block(2, mutex(3));
  g.block(2, mutex(4));  // replaces the earlier wait
  EXPECT_EQ(g.waiting_on(2), mutex(4));
  g.remove_thread(2);
  EXPECT_TRUE(g.owners(mutex(1)).empty());
  EXPECT_FALSE(g.waiting_on(2));
}

TEST(WaitForGraph, ResourcesOfDifferentKindsAreDistinct) {
  wait_for_graph g;
  g.add_owner(mutex(1), 1);
  g.block(1, thread_res(1));  // joining itself would deadlock, but it waits on thread 1, not M1
  EXPECT_FALSE(g.find_cycle(1));
  g.add_owner(thread_res(1), 1);
  EXPECT_TRUE(g.find_cycle(1));
}

TEST(WaitForGraph, ThousandsOfThreadsInAChain) {
  wait_for_graph g;
  const thread_id n = 5000;
  for (thread_id t = 0; t < n; ++t) {
    g.add_owner(mutex(t), t);
    g.block(t, mutex(t + 1));
  }
  EXPECT_FALSE(g.find_cycle(0));  // mutex n has no owner: the chain ends in a running thread
  g.add_owner(mutex(n), n - 1);   // the last thread now waits on a mutex it holds itself
  auto c = g.find_cycle(0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->lead_in.size(), n - 1);
  EXPECT_EQ(c->cycle.size(), 1u);
}

}  // namespace
}  // namespace lockstep::rt::deadlock
