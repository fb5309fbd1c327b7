// Directed tests of the lock-order graph: cycles, gate locks, lock removal and id reuse.
#include "deadlock/lock_order_graph.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::rt::deadlock {
namespace {

using locks = std::vector<lock_id>;

constexpr lock_id A = 0, B = 1, C = 2, D = 3, G = 10, H = 11;

edge_payload at(std::uint64_t thread, std::uint32_t from_stack, std::uint32_t to_stack) {
  return {thread, from_stack, to_stack};
}

struct graph_fixture : ::testing::Test {
  lock_order_graph graph;
  std::vector<cycle> cycles;

  bool add(lock_id from, lock_id to, locks held = {}, edge_payload p = {}) {
    cycles.clear();
    return graph.add_edge(from, to, held, p, cycles);
  }
};

TEST_F(graph_fixture, TwoLockInversionIsOneCycleWithBothWitnesses) {
  EXPECT_TRUE(add(A, B, {}, at(1, 100, 101)));
  EXPECT_TRUE(cycles.empty());
  EXPECT_TRUE(add(B, A, {}, at(2, 200, 201)));
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{B, A}));
  ASSERT_EQ(cycles[0].edges.size(), 2u);
  EXPECT_EQ(cycles[0].edges[0], at(2, 200, 201));  // B->A, the closing edge
  EXPECT_EQ(cycles[0].edges[1], at(1, 100, 101));  // A->B
}

TEST_F(graph_fixture, ThreeLockCycle) {
  add(A, B);
  add(B, C);
  EXPECT_TRUE(cycles.empty());
  add(C, A);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{C, A, B}));
}

TEST_F(graph_fixture, EachCycleIsReportedOnce) {
  add(A, B);
  add(B, A);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_FALSE(add(B, A));
  EXPECT_TRUE(cycles.empty());
  EXPECT_FALSE(add(A, B));
  EXPECT_TRUE(cycles.empty());
  EXPECT_EQ(graph.edge_count(), 2u);
}

TEST_F(graph_fixture, ConsistentOrderNeverReports) {
  add(A, B);
  add(B, C);
  add(A, C);
  add(C, D);
  add(A, D);
  EXPECT_TRUE(cycles.empty());
  EXPECT_TRUE(graph.check_invariants());
}

TEST_F(graph_fixture, CommonGateLockGuardsTheCycle) {
  add(A, B, {G});
  EXPECT_TRUE(add(B, A, {G}));
  EXPECT_TRUE(cycles.empty());
  EXPECT_EQ(graph.gates(A, B), (locks{G}));
}

TEST_F(graph_fixture, GateHeldOnlyAtSomeEdgesDoesNotGuard) {
  add(A, B, {G});
  add(B, C, {G});
  add(C, A, {});
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{C, A, B}));
}

TEST_F(graph_fixture, DifferentGatesAtEachEdgeDoNotGuard) {
  add(A, B, {G});
  add(B, A, {H});
  EXPECT_EQ(cycles.size(), 1u);
}

TEST_F(graph_fixture, GateShrinkReexaminesTheCycle) {
  add(A, B, {G, H});
  add(B, A, {G, H});
  EXPECT_TRUE(cycles.empty());
  // H dropped from A->B: G still guards both edges.
  EXPECT_TRUE(add(A, B, {G}, at(7, 1, 2)));
  EXPECT_TRUE(cycles.empty());
  EXPECT_EQ(graph.gates(A, B), (locks{G}));
  // Same gates again: nothing new.
  EXPECT_FALSE(add(A, B, {G, D}));
  // Now A->B is taken without G: the cycle is no longer guarded.
  EXPECT_TRUE(add(A, B, {}, at(8, 3, 4)));
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{A, B}));
  EXPECT_EQ(cycles[0].edges[0], at(8, 3, 4));  // the occurrence that removed the guard
  // And it stays reported once.
  EXPECT_FALSE(add(A, B, {}));
  EXPECT_TRUE(add(B, A, {}));  // B->A loses its gates: a change, but the cycle is known
  EXPECT_TRUE(cycles.empty());
  EXPECT_FALSE(add(B, A, {H}));
}

TEST_F(graph_fixture, GateCandidatesAreNormalized) {
  add(A, B, {H, A, G, B, H});
  EXPECT_EQ(graph.gates(A, B), (locks{G, H}));
}

TEST_F(graph_fixture, SelfEdgesAreIgnored) {
  EXPECT_FALSE(add(A, A));
  EXPECT_FALSE(graph.has_edge(A, A));
  EXPECT_EQ(graph.edge_count(), 0u);
}

TEST_F(graph_fixture, RemoveLockForgetsItsEdges) {
  add(A, B);
  add(C, A);
  graph.remove_lock(A);
  EXPECT_FALSE(graph.has_edge(A, B));
  EXPECT_FALSE(graph.has_edge(C, A));
  EXPECT_EQ(graph.edge_count(), 0u);
  add(B, C);
  EXPECT_TRUE(cycles.empty());
  EXPECT_TRUE(graph.check_invariants());
  graph.remove_lock(1000);  // never seen: no effect
}

TEST_F(graph_fixture, ReusedIdIsANewLock) {
  add(A, B);
  add(B, A);
  ASSERT_EQ(cycles.size(), 1u);
  graph.remove_lock(A);
  // A's id now names another mutex: taking B then it is no inversion by itself.
  EXPECT_TRUE(add(B, A));
  EXPECT_TRUE(cycles.empty());
  // But the new lock's own inversion is reported again.
  EXPECT_TRUE(add(A, B));
  EXPECT_EQ(cycles.size(), 1u);
}

TEST_F(graph_fixture, CyclesAfterAnEarlierInversionAreStillFound) {
  add(A, B);
  add(B, A);  // an inversion exists: later edges are searched without the order's help
  ASSERT_EQ(cycles.size(), 1u);
  add(C, D);
  EXPECT_TRUE(cycles.empty());
  add(D, C);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{D, C}));
  // A 3-cycle through the inverted edge B->A.
  add(A, C);
  EXPECT_EQ(cycles.size(), 0u);
  add(C, B);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks, (locks{C, B, A}));
}

TEST_F(graph_fixture, EveryNewCycleThroughTheEdgeIsReported) {
  // A -> {1..4} -> B, then B -> A closes four cycles.
  for (lock_id mid = 20; mid < 24; ++mid) {
    add(A, mid);
    add(mid, B);
  }
  add(B, A);
  EXPECT_EQ(cycles.size(), 4u);
}

TEST(LockOrderGraph, CyclesPerEdgeAreBounded) {
  lock_order_graph graph({.max_cycles_per_edge = 3});
  std::vector<cycle> cycles;
  for (lock_id mid = 20; mid < 30; ++mid) {
    graph.add_edge(A, mid, {}, {}, cycles);
    graph.add_edge(mid, B, {}, {}, cycles);
  }
  graph.add_edge(B, A, {}, {}, cycles);
  EXPECT_EQ(cycles.size(), 3u);
}

TEST(LockOrderGraph, SearchStepsAreBounded) {
  // A -> 10 locks -> 10 locks -> B, every edge under gate G: 100 simple paths from A to B, all
  // guarded, so closing B -> A under G must look at every one of them unless bounded.
  auto build = [](lock_order_graph &graph) {
    std::vector<cycle> cycles;
    const locks gate{G};
    for (lock_id a = 20; a < 30; ++a) {
      graph.add_edge(A, a, gate, {}, cycles);
      for (lock_id b = 30; b < 40; ++b) graph.add_edge(a, b, gate, {}, cycles);
    }
    for (lock_id b = 30; b < 40; ++b) graph.add_edge(b, B, gate, {}, cycles);
    graph.add_edge(B, A, gate, {}, cycles);
    return cycles;
  };
  lock_order_graph bounded({.max_search_steps = 50});
  EXPECT_TRUE(build(bounded).empty());
  EXPECT_TRUE(bounded.last_search_truncated());
  lock_order_graph unbounded;
  EXPECT_TRUE(build(unbounded).empty());
  EXPECT_FALSE(unbounded.last_search_truncated());
}

TEST(LockOrderGraph, ReversedChainKeepsATopologicalOrder) {
  // Edges arrive against the initial order (ids), forcing reorders, and never form a cycle.
  lock_order_graph graph;
  std::vector<cycle> cycles;
  const lock_id n = 500;
  for (lock_id i = n; i > 1; --i) graph.add_edge(i, i - 1, {}, {}, cycles);
  EXPECT_TRUE(cycles.empty());
  EXPECT_TRUE(graph.check_invariants());
  // Closing the chain finds the single long cycle.
  graph.add_edge(1, n, {}, {}, cycles);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].locks.size(), n);
  EXPECT_TRUE(graph.check_invariants());
}

TEST(LockOrderGraph, ConsistentEdgesCostNoSearch) {
  lock_order_graph graph;
  std::vector<cycle> cycles;
  // A hierarchy added top-down, consistent with the order as it grows: no edge is examined.
  for (lock_id i = 0; i < 1000; ++i) graph.add_edge(i, i + 1, {}, {}, cycles);
  for (lock_id i = 0; i < 1000; i += 7) graph.add_edge(i, i + 5, {}, {}, cycles);
  EXPECT_EQ(graph.edges_visited(), 0u);
  EXPECT_TRUE(cycles.empty());
}

TEST(LockOrderGraph, SearchesStayInTheAffectedRegion) {
  lock_order_graph graph;
  std::vector<cycle> cycles;
  // 50,000 pairs of locks that nest once each and never with anything else.
  for (lock_id i = 100; i < 100100; i += 2) graph.add_edge(i, i + 1, {}, {}, cycles);
  // An order violation among three other locks only looks at those three: ids 0..2 were placed
  // first, so 2 -> 1 and 1 -> 0 need reordering, then 0 -> 2 closes a cycle.
  graph.add_edge(2, 1, {}, {}, cycles);
  graph.add_edge(1, 0, {}, {}, cycles);
  EXPECT_TRUE(cycles.empty());
  graph.add_edge(0, 2, {}, {}, cycles);
  EXPECT_EQ(cycles.size(), 1u);
  EXPECT_LT(graph.edges_visited(), 20u);
  // With a cycle present, a new edge searches what its head reaches, not the whole graph.
  const auto before = graph.edges_visited();
  graph.add_edge(101, 200, {}, {}, cycles);  // 200 reaches only 201
  EXPECT_LT(graph.edges_visited() - before, 5u);
}

TEST(LockOrderGraph, ManyLocksThatNeverNest) {
  // Hundreds of thousands of pairs nesting once each: all consistent with the order, so no
  // search happens; the test finishing quickly (CTest timeout) is the point.
  lock_order_graph graph;
  std::vector<cycle> cycles;
  for (lock_id i = 0; i < 200000; i += 2) graph.add_edge(i, i + 1, {}, {}, cycles);
  for (int round = 0; round < 3; ++round)
    for (lock_id i = 0; i < 200000; i += 2) EXPECT_FALSE(graph.add_edge(i, i + 1, {}, {}, cycles));
  EXPECT_TRUE(cycles.empty());
  EXPECT_EQ(graph.edge_count(), 100000u);
  for (lock_id i = 0; i < 200000; i += 4) graph.remove_lock(i);
  EXPECT_EQ(graph.edge_count(), 50000u);
  EXPECT_TRUE(graph.check_invariants());
}

}  // namespace
}  // namespace lockstep::rt::deadlock
