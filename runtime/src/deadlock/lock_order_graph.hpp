// The lock-order graph: potential deadlocks (lock-order inversions) with gate locks considered.
//
// Contract (thread-compatible: the caller serializes every call, e.g. under the runtime's lock):
//  * A node is a `lock_id`, a dense id the caller assigns per sync object. Ids may be reused
//    after `remove_lock`.
//  * `add_edge(from, to, other_held, payload, out)` records "a thread acquired `to` while holding
//    `from`", `other_held` being the other locks it held then (the gate candidates). An edge keeps
//    the intersection of the gate sets of all its occurrences. The call appends to `out` every
//    cycle through this edge that is *newly* unguarded: a simple cycle of edges whose gate sets
//    have no lock in common (no single outer lock was held at every edge), and that was absent or
//    guarded before the call. So each cycle is reported once, at the call that completes it.
//    At most `options::max_cycles_per_edge` cycles are appended per call, and the search for them
//    gives up after `options::max_search_steps` steps (both bound the cost of pathological graphs;
//    the randomized tests run with bounds large enough to be exact).
//  * Self edges (`from == to`, re-entry of a recursive lock) are ignored.
//
// Cost: a repeated edge is one hash lookup (plus a scan of its small gate set when it has one).
// A new edge consistent with the maintained topological order (Pearce–Kelly) costs O(1) while the
// graph is acyclic; an edge violating the order searches only the nodes whose order lies between
// its endpoints. Locks that never nest are never visited. Once the graph holds a cycle (the
// program has an inversion, reported already), new edges and gate shrinks search the part of the
// graph reachable from the edge's head. Storage is a Boost.Graph adjacency list indexed by lock id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace lockstep::rt::deadlock {

using lock_id = std::uint32_t;

// What the caller wants back about one occurrence of an edge; opaque to the graph.
struct edge_payload {
  std::uint64_t thread = 0;      // the acquiring thread
  std::uint32_t from_stack = 0;  // stack depot id where `from` was acquired
  std::uint32_t to_stack = 0;    // stack depot id where `to` was acquired

  friend bool operator==(const edge_payload &, const edge_payload &) = default;
};

// A lock-order cycle: locks[i] was held while locks[(i + 1) % n] was acquired, as witnessed by
// edges[i]. locks[0] -> locks[1] is the edge whose addition (or gate shrink) closed the cycle.
// An edge's payload is that of its first occurrence, replaced by the occurrence that last
// shrank its gate set (the less guarded witness).
struct cycle {
  std::vector<lock_id> locks;
  std::vector<edge_payload> edges;
};

class lock_order_graph {
 public:
  struct options {
    std::size_t max_cycles_per_edge = 8;
    std::size_t max_search_steps = std::size_t{1} << 18;
  };

  lock_order_graph() = default;
  explicit lock_order_graph(options opts) : opts_(opts) {}

  // Records that `to` was acquired while `from` (and `other_held`) were held. Returns true when
  // the edge is new or its gate set shrank; appends the newly unguarded cycles to `new_cycles`.
  // Locks in `other_held` equal to `from` or `to`, or repeated, are ignored. Gate sets keep at
  // most `max_gates` locks (extra candidates are dropped, which can only make reports likelier).
  bool add_edge(lock_id from, lock_id to, std::span<const lock_id> other_held,
                const edge_payload &payload, std::vector<cycle> &new_cycles);

  // Forgets a destroyed lock and every edge touching it. Its id may then be reused.
  void remove_lock(lock_id id);

  // Introspection for tests and reports.
  bool has_edge(lock_id from, lock_id to) const;
  std::size_t edge_count() const { return edges_.size(); }
  // The current gate set of an edge, sorted; empty when the edge is absent or unguarded.
  std::vector<lock_id> gates(lock_id from, lock_id to) const;
  // True when the last search for cycles hit `max_search_steps` (results may be incomplete).
  bool last_search_truncated() const { return truncated_; }
  // How many edges all searches so far have examined: the cost measure the tests bound.
  std::uint64_t edges_visited() const { return visited_; }
  // Checks the internal invariants (the order is a permutation and is topological for the
  // acyclic part); used by the tests after random operation sequences.
  bool check_invariants() const;

  static constexpr std::size_t max_gates = 63;

 private:
  struct edge_info {
    std::vector<lock_id> gates;  // sorted
    edge_payload payload;
    bool in_order = true;  // false: the edge closed a cycle and is exempt from the order
  };
  using graph_type = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

  static std::uint64_t key(lock_id from, lock_id to) {
    return (std::uint64_t{from} << 32) | to;
  }
  void ensure_node(lock_id id);
  // Pearce–Kelly: restores a topological order after inserting from->to with ord[from] > ord[to].
  // Returns false (and changes nothing) when `to` reaches `from` through ordered edges.
  bool reorder(lock_id from, lock_id to);
  // Appends the cycles through from->to that are unguarded under `new_gates` and were guarded
  // under `old_gates` (or absent, when `edge_is_new`).
  void find_cycles(lock_id from, lock_id to, const std::vector<lock_id> &old_gates,
                   const std::vector<lock_id> &new_gates, bool edge_is_new,
                   std::vector<cycle> &out);

  // Whether `goal` is reachable from `start` through region nodes not on the current path.
  bool reaches_avoiding_path(lock_id start, lock_id goal, std::uint32_t region,
                             std::size_t &steps);

  options opts_;
  graph_type graph_;
  std::unordered_map<std::uint64_t, edge_info> edges_;
  std::vector<std::uint32_t> ord_;     // ord_[lock] = position in the topological order
  std::vector<lock_id> node_at_;       // inverse of ord_
  std::size_t unordered_edges_ = 0;    // edges with in_order == false
  bool truncated_ = false;
  std::uint64_t visited_ = 0;

  // Scratch space reused across calls to avoid allocating on every search.
  std::vector<std::uint32_t> mark_;    // per-node epoch marks
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> seen_;    // per-node marks of the inner reachability search
  std::uint32_t seen_epoch_ = 0;
  std::vector<lock_id> stack_, delta_f_, delta_b_, bfs_;
};

}  // namespace lockstep::rt::deadlock
