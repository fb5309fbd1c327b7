// Randomized, seed-replayable comparison of both graph detectors with their reference oracles.
//
// Each test runs many operation sequences, one per seed. A failure prints the seed; set
// LOCKSTEP_TEST_SEED=<seed> to replay just that sequence (and LOCKSTEP_TEST_SEEDS=<n> to run more).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "reference_graphs.hpp"

namespace lockstep::rt::deadlock {
namespace {

using testing::reference_lock_order_graph;
using testing::reference_wait_for_graph;

// The seeds to run: the one from LOCKSTEP_TEST_SEED, or `count` (LOCKSTEP_TEST_SEEDS) seeds
// derived from a fixed base so the suite is deterministic.
std::vector<std::uint64_t> seeds(std::uint64_t base, std::size_t count) {
  if (const char *one = std::getenv("LOCKSTEP_TEST_SEED")) return {std::strtoull(one, nullptr, 0)};
  if (const char *n = std::getenv("LOCKSTEP_TEST_SEEDS")) count = std::strtoull(n, nullptr, 0);
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(base * 1000003 + i);
  return out;
}

std::string replay(std::uint64_t seed) {
  return "replay with LOCKSTEP_TEST_SEED=" + std::to_string(seed);
}

std::string describe(const cycle &c) {
  std::ostringstream os;
  for (std::size_t i = 0; i < c.locks.size(); ++i) {
    os << c.locks[i] << "(t" << c.edges[i].thread << "," << c.edges[i].from_stack << ","
       << c.edges[i].to_stack << ") ";
  }
  return os.str();
}

std::vector<std::string> describe_all(const std::vector<cycle> &cs) {
  std::vector<std::string> out;
  for (const cycle &c : cs) out.push_back(describe(c));
  std::sort(out.begin(), out.end());
  return out;
}

// Random nested acquisitions over a few locks, with gate candidates and lock destruction.
// Bounds are lifted so the detector must find exactly the reference's cycles.
TEST(LockOrderGraphRandomized, MatchesReferenceWithGates) {
  for (std::uint64_t seed : seeds(1, 300)) {
    SCOPED_TRACE(replay(seed));
    std::mt19937_64 rng(seed);
    const lock_id locks = 2 + rng() % 7;  // 2..8 locks
    const int gate_pool = 1 + static_cast<int>(rng() % 3);
    const unsigned remove_per_mille = 20 + rng() % 100;
    lock_order_graph graph({.max_cycles_per_edge = 1u << 20, .max_search_steps = 1u << 30});
    reference_lock_order_graph ref;
    for (int op = 0; op < 250; ++op) {
      SCOPED_TRACE("operation " + std::to_string(op));
      if (rng() % 1000 < remove_per_mille) {
        lock_id id = rng() % locks;
        graph.remove_lock(id);
        ref.remove_lock(id);
      } else {
        lock_id from = rng() % locks, to = rng() % locks;
        std::vector<lock_id> held;
        for (int n = rng() % 4; n > 0; --n) held.push_back(rng() % (locks + gate_pool));
        edge_payload p{rng() % 4, static_cast<std::uint32_t>(op), static_cast<std::uint32_t>(rng())};
        std::vector<cycle> got, want;
        bool got_new = graph.add_edge(from, to, held, p, got);
        bool want_new = ref.add_edge(from, to, held, p, want);
        ASSERT_EQ(got_new, want_new) << from << "->" << to;
        ASSERT_FALSE(graph.last_search_truncated());
        ASSERT_EQ(describe_all(got), describe_all(want)) << from << "->" << to;
        for (const cycle &c : got) {
          ASSERT_EQ(c.locks.front(), from);
          ASSERT_EQ(c.locks.size(), c.edges.size());
          ASSERT_EQ(c.edges.front(), p);
        }
      }
      ASSERT_TRUE(graph.check_invariants());
      lock_id a = rng() % locks, b = rng() % locks;
      ASSERT_EQ(graph.has_edge(a, b), ref.has_edge(a, b));
      ASSERT_EQ(graph.gates(a, b), ref.gates(a, b));
    }
  }
}

// Larger, mostly acyclic graphs: nested acquisitions mostly follow a hidden lock hierarchy, so
// the incremental order does real work; occasional inversions close cycles. Without gates a new
// edge closes a new cycle exactly when its head already reaches its tail.
TEST(LockOrderGraphRandomized, MatchesReachabilityOnLargeGraphs) {
  for (std::uint64_t seed : seeds(2, 40)) {
    SCOPED_TRACE(replay(seed));
    std::mt19937_64 rng(seed);
    const lock_id locks = 50 + rng() % 150;
    std::vector<lock_id> rank(locks);
    for (lock_id i = 0; i < locks; ++i) rank[i] = i;
    std::shuffle(rank.begin(), rank.end(), rng);
    lock_order_graph graph;
    reference_lock_order_graph ref(/*enumerate_cycles=*/false);
    for (int op = 0; op < 400; ++op) {
      SCOPED_TRACE("operation " + std::to_string(op));
      if (rng() % 100 < 3) {
        lock_id id = rng() % locks;
        graph.remove_lock(id);
        ref.remove_lock(id);
        ASSERT_TRUE(graph.check_invariants());
        continue;
      }
      lock_id from = rng() % locks, to = rng() % locks;
      bool inversion = rng() % 100 < 2;
      if ((rank[from] > rank[to]) != inversion) std::swap(from, to);
      if (from == to) continue;
      std::vector<cycle> got, sink;
      bool existed = ref.has_edge(from, to);
      bool closes = !existed && ref.reachable(to, from);
      bool got_new = graph.add_edge(from, to, {}, edge_payload{1, 2, 3}, got);
      bool want_new = ref.add_edge(from, to, {}, edge_payload{1, 2, 3}, sink);
      ASSERT_EQ(got_new, want_new);
      ASSERT_EQ(!got.empty(), closes) << from << "->" << to << (graph.last_search_truncated() ? " (search truncated)" : "");
      for (const cycle &c : got) {
        for (std::size_t i = 0; i < c.locks.size(); ++i)
          ASSERT_TRUE(ref.has_edge(c.locks[i], c.locks[(i + 1) % c.locks.size()]));
      }
      ASSERT_TRUE(graph.check_invariants());
    }
  }
}

// Random blocking, ownership and thread exits over a few threads and resources of every kind.
// The detector's verdict for every thread must match the reference after every operation, and
// the cycle it returns must be a real chain of waits.
void run_wait_for(std::uint64_t seed, bool all_owner_kinds_only) {
  SCOPED_TRACE(replay(seed));
  std::mt19937_64 rng(seed);
  const thread_id threads = 2 + rng() % 6;
  const std::uint64_t ids = 1 + rng() % 4;
  // Every kind a thread can block on, those that need every owner to act first (the table decides).
  std::vector<wait_kind> all_kinds;
  for (int k = 1; k < wait_kind_count; ++k)
    if (needs_all_owners(static_cast<wait_kind>(k))) all_kinds.push_back(static_cast<wait_kind>(k));
  const std::size_t all_owner_kinds = all_kinds.size();
  for (int k = 1; k < wait_kind_count; ++k)
    if (!needs_all_owners(static_cast<wait_kind>(k))) all_kinds.push_back(static_cast<wait_kind>(k));
  const std::size_t kinds = all_owner_kinds_only ? all_owner_kinds : all_kinds.size();
  auto random_resource = [&] {
    return resource{all_kinds[rng() % kinds], rng() % ids};
  };
  wait_for_graph graph;
  reference_wait_for_graph ref;
  for (int op = 0; op < 300; ++op) {
    SCOPED_TRACE("operation " + std::to_string(op));
    thread_id t = rng() % threads;
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2: {
        resource r = random_resource();
        graph.block(t, r);
        ref.block(t, r);
        break;
      }
      case 3:
      case 4:
        graph.unblock(t);
        ref.unblock(t);
        break;
      case 5:
      case 6:
      case 7: {
        resource r = random_resource();
        graph.add_owner(r, t);
        ref.add_owner(r, t);
        break;
      }
      case 8: {
        resource r = random_resource();
        graph.remove_owner(r, t);
        ref.remove_owner(r, t);
        break;
      }
      default:
        graph.remove_thread(t);
        ref.remove_thread(t);
        break;
    }
    std::set<thread_id> deadlocked = ref.deadlocked();
    for (thread_id u = 0; u < threads; ++u) {
      auto found = graph.find_cycle(u);
      ASSERT_EQ(found.has_value(), deadlocked.count(u) != 0) << "thread " << u;
      if (all_owner_kinds_only) ASSERT_EQ(found.has_value(), ref.reaches_cycle(u)) << "thread " << u;
      if (!found) continue;
      const auto &cyc = found->cycle;
      const auto &lead = found->lead_in;
      ASSERT_FALSE(cyc.empty());
      ASSERT_EQ(lead.empty() ? cyc.front().thread : lead.front().thread, u);
      auto check_chain = [&](const wait &w, thread_id next) {
        ASSERT_TRUE(ref.is_blocked(w.thread));
        ASSERT_EQ(*graph.waiting_on(w.thread), w.on);
        ASSERT_TRUE(ref.owners(w.on).count(next)) << w.thread << " -> " << next;
        ASSERT_TRUE(deadlocked.count(w.thread));
      };
      for (std::size_t i = 0; i < lead.size(); ++i)
        check_chain(lead[i], i + 1 < lead.size() ? lead[i + 1].thread : cyc.front().thread);
      for (std::size_t i = 0; i < cyc.size(); ++i) check_chain(cyc[i], cyc[(i + 1) % cyc.size()].thread);
      std::set<thread_id> distinct;
      for (const wait &w : lead) distinct.insert(w.thread);
      for (const wait &w : cyc) distinct.insert(w.thread);
      ASSERT_EQ(distinct.size(), lead.size() + cyc.size()) << "a thread repeats";
    }
  }
}

TEST(WaitForGraphRandomized, MatchesReferenceAllKinds) {
  for (std::uint64_t seed : seeds(3, 400)) run_wait_for(seed, false);
}

TEST(WaitForGraphRandomized, MatchesCycleReachabilityWhenEveryOwnerIsNeeded) {
  for (std::uint64_t seed : seeds(4, 400)) run_wait_for(seed, true);
}

}  // namespace
}  // namespace lockstep::rt::deadlock
