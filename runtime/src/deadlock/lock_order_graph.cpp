// The lock-order graph's incremental topological order and its gated cycle search.
#include "deadlock/lock_order_graph.hpp"

#include <algorithm>
#include <cassert>

namespace lockstep::rt::deadlock {

namespace {

bool contains(std::span<const lock_id> held, lock_id id) {
  return std::find(held.begin(), held.end(), id) != held.end();
}

// Bit i is set when gates_of_list[i] is in `gates` (both sorted).
std::uint64_t mask_of(const std::vector<lock_id> &gates, const std::vector<lock_id> &list) {
  std::uint64_t mask = 0;
  std::size_t i = 0, j = 0;
  while (i < list.size() && j < gates.size()) {
    if (list[i] < gates[j]) {
      ++i;
    } else if (gates[j] < list[i]) {
      ++j;
    } else {
      mask |= std::uint64_t{1} << i;
      ++i;
      ++j;
    }
  }
  return mask;
}

// Epoch marking avoids clearing marks before every search; on the (rare) wrap-around the marks
// are cleared so that a stale mark can never equal a live epoch.
// A search reserves all the epochs it uses up front, so no reset happens in the middle of it.
void reserve_epochs(std::vector<std::uint32_t> &marks, std::uint32_t &epoch, std::uint32_t n) {
  if (epoch > UINT32_MAX - n) {
    std::fill(marks.begin(), marks.end(), 0);
    epoch = 0;
  }
}

}  // namespace

void lock_order_graph::ensure_node(lock_id id) {
  while (boost::num_vertices(graph_) <= id) {
    auto v = static_cast<lock_id>(boost::add_vertex(graph_));
    // A fresh node has no edges, so the end of the order is as good as any place.
    ord_.push_back(static_cast<std::uint32_t>(node_at_.size()));
    node_at_.push_back(v);
    mark_.push_back(0);
    seen_.push_back(0);
  }
}

bool lock_order_graph::has_edge(lock_id from, lock_id to) const {
  return edges_.count(key(from, to)) != 0;
}

std::vector<lock_id> lock_order_graph::gates(lock_id from, lock_id to) const {
  auto it = edges_.find(key(from, to));
  return it == edges_.end() ? std::vector<lock_id>{} : it->second.gates;
}

bool lock_order_graph::add_edge(lock_id from, lock_id to, std::span<const lock_id> other_held,
                                const edge_payload &payload, std::vector<cycle> &new_cycles) {
  if (from == to) return false;
  ensure_node(std::max(from, to));

  if (auto it = edges_.find(key(from, to)); it != edges_.end()) {
    // Hot path: a repeated nested acquisition. Nothing changes unless a gate was not held.
    auto &gates = it->second.gates;
    bool all_held = true;
    for (lock_id g : gates) {
      if (!contains(other_held, g)) {
        all_held = false;
        break;
      }
    }
    if (all_held) return false;
    std::vector<lock_id> old_gates = gates;
    std::erase_if(gates, [&](lock_id g) { return !contains(other_held, g); });
    it->second.payload = payload;
    find_cycles(from, to, old_gates, gates, /*edge_is_new=*/false, new_cycles);
    return true;
  }

  edge_info info;
  info.payload = payload;
  for (lock_id g : other_held) {
    if (g != from && g != to) info.gates.push_back(g);
  }
  std::sort(info.gates.begin(), info.gates.end());
  info.gates.erase(std::unique(info.gates.begin(), info.gates.end()), info.gates.end());
  if (info.gates.size() > max_gates) info.gates.resize(max_gates);

  bool in_order = ord_[from] < ord_[to] || reorder(from, to);
  info.in_order = in_order;
  if (!in_order) ++unordered_edges_;
  auto [it, inserted] = edges_.emplace(key(from, to), std::move(info));
  assert(inserted);
  (void)inserted;
  boost::add_edge(from, to, graph_);

  // While every edge respects the order the graph is acyclic: no cycle can run through this edge.
  if (unordered_edges_ == 0) return true;
  find_cycles(from, to, {}, it->second.gates, /*edge_is_new=*/true, new_cycles);
  return true;
}

bool lock_order_graph::reorder(lock_id from, lock_id to) {
  reserve_epochs(mark_, epoch_, 2);
  const std::uint32_t upper = ord_[from];
  const std::uint32_t lower = ord_[to];
  auto ordered = [&](auto e) { return edges_.at(key(static_cast<lock_id>(boost::source(e, graph_)),
                                                    static_cast<lock_id>(boost::target(e, graph_))))
                                   .in_order; };

  // Forward from `to` through nodes placed before `from`: reaching `from` means a cycle.
  const std::uint32_t fwd = ++epoch_;
  delta_f_.clear();
  stack_.assign(1, to);
  mark_[to] = fwd;
  while (!stack_.empty()) {
    lock_id n = stack_.back();
    stack_.pop_back();
    delta_f_.push_back(n);
    for (auto [e, end] = boost::out_edges(n, graph_); e != end; ++e) {
      ++visited_;
      auto t = static_cast<lock_id>(boost::target(*e, graph_));
      if (t == from) {
        if (ordered(*e)) return false;
        continue;
      }
      if (mark_[t] == fwd || ord_[t] > upper || !ordered(*e)) continue;
      mark_[t] = fwd;
      stack_.push_back(t);
    }
  }

  // Backward from `from` through nodes placed after `to`.
  const std::uint32_t bwd = ++epoch_;
  delta_b_.clear();
  stack_.assign(1, from);
  mark_[from] = bwd;
  while (!stack_.empty()) {
    lock_id n = stack_.back();
    stack_.pop_back();
    delta_b_.push_back(n);
    for (auto [e, end] = boost::in_edges(n, graph_); e != end; ++e) {
      ++visited_;
      auto s = static_cast<lock_id>(boost::source(*e, graph_));
      if (mark_[s] == bwd || ord_[s] < lower || !ordered(*e)) continue;
      mark_[s] = bwd;
      stack_.push_back(s);
    }
  }

  // Everything that must precede `to` goes first, keeping relative orders; reuse the same slots.
  auto by_ord = [&](lock_id a, lock_id b) { return ord_[a] < ord_[b]; };
  std::sort(delta_b_.begin(), delta_b_.end(), by_ord);
  std::sort(delta_f_.begin(), delta_f_.end(), by_ord);
  std::vector<std::uint32_t> slots;
  slots.reserve(delta_b_.size() + delta_f_.size());
  for (lock_id n : delta_b_) slots.push_back(ord_[n]);
  for (lock_id n : delta_f_) slots.push_back(ord_[n]);
  std::sort(slots.begin(), slots.end());
  std::size_t i = 0;
  for (lock_id n : delta_b_) {
    ord_[n] = slots[i];
    node_at_[slots[i++]] = n;
  }
  for (lock_id n : delta_f_) {
    ord_[n] = slots[i];
    node_at_[slots[i++]] = n;
  }
  return true;
}

void lock_order_graph::find_cycles(lock_id from, lock_id to, const std::vector<lock_id> &old_gates,
                                   const std::vector<lock_id> &new_gates, bool edge_is_new,
                                   std::vector<cycle> &out) {
  truncated_ = false;
  if (opts_.max_cycles_per_edge == 0) return;
  std::size_t steps = 0;
  reserve_epochs(mark_, epoch_, 3);

  // 1. What `to` reaches; nothing to do unless `from` is among it.
  const std::uint32_t reach = ++epoch_;
  stack_.assign(1, to);
  mark_[to] = reach;
  bool found = false;
  while (!stack_.empty()) {
    lock_id n = stack_.back();
    stack_.pop_back();
    for (auto [e, end] = boost::out_edges(n, graph_); e != end; ++e) {
      ++visited_;
      auto t = static_cast<lock_id>(boost::target(*e, graph_));
      if (mark_[t] == reach) continue;
      mark_[t] = reach;
      if (t == from) found = true;
      stack_.push_back(t);
    }
  }
  if (!found) return;

  // 2. The region: reached from `to` and reaching `from`. Paths never need to leave it.
  const std::uint32_t region = ++epoch_;
  const std::uint32_t on_path = ++epoch_;
  stack_.assign(1, from);
  mark_[from] = region;
  while (!stack_.empty()) {
    lock_id n = stack_.back();
    stack_.pop_back();
    for (auto [e, end] = boost::in_edges(n, graph_); e != end; ++e) {
      ++visited_;
      auto s = static_cast<lock_id>(boost::source(*e, graph_));
      if (mark_[s] != reach) continue;
      mark_[s] = region;
      stack_.push_back(s);
    }
  }

  // 3. Enumerate simple paths to ~> from in the region. `mask` holds the gates common to every
  // edge of the cycle so far, as bits over `list` (the edge's gates before this call); bit 63
  // stands for "this cycle did not exist before", set only when the edge is new. A path whose
  // mask empties was unguarded before the call (reported then): prune it. At `from` the cycle is
  // newly unguarded when no gate of the edge's current set is common to all edges.
  const std::vector<lock_id> &list = edge_is_new ? new_gates : old_gates;
  constexpr std::uint64_t absent = std::uint64_t{1} << 63;
  static_assert(max_gates < 64, "gate masks are 64-bit with bit 63 reserved");
  const std::uint64_t list_bits = (std::uint64_t{1} << list.size()) - 1;
  const std::uint64_t now_bits = mask_of(new_gates, list);
  const std::uint64_t start_mask = list_bits | (edge_is_new ? absent : 0);

  using out_iter = graph_type::out_edge_iterator;
  struct frame {
    lock_id node;
    out_iter next, end;
    std::uint64_t mask;
  };
  std::vector<frame> path;
  auto push = [&](lock_id n, std::uint64_t mask) {
    auto [b, e] = boost::out_edges(n, graph_);
    path.push_back(frame{n, b, e, mask});
    mark_[n] = on_path;
  };
  auto emit = [&] {
    cycle c;
    c.locks.reserve(path.size() + 1);
    c.locks.push_back(from);
    for (const frame &f : path) c.locks.push_back(f.node);
    for (std::size_t i = 0; i < c.locks.size(); ++i) {
      lock_id a = c.locks[i], b = c.locks[(i + 1) % c.locks.size()];
      c.edges.push_back(edges_.at(key(a, b)).payload);
    }
    out.push_back(std::move(c));
  };

  std::size_t emitted = 0;
  // The edge from->to's own old gates are `list` itself, so the path starts with all of them.
  push(to, start_mask);
  while (!path.empty()) {
    frame &f = path.back();
    if (f.next == f.end) {
      mark_[f.node] = region;
      path.pop_back();
      continue;
    }
    auto e = *f.next++;
    if (++steps > opts_.max_search_steps) {
      truncated_ = true;
      break;
    }
    auto t = static_cast<lock_id>(boost::target(e, graph_));
    if (mark_[t] != region) continue;  // outside the region, or already on the path
    std::uint64_t mask = f.mask & (mask_of(edges_.at(key(f.node, t)).gates, list) | absent);
    if (mask == 0) continue;
    if (t == from) {
      if ((mask & now_bits) == 0) {
        emit();
        if (++emitted >= opts_.max_cycles_per_edge) break;
      }
      continue;
    }
    // Only step where `from` stays reachable without revisiting the path: every branch then
    // ends in at least one simple path, so the first cycle costs O(length * region edges)
    // instead of an exponential walk through dead ends.
    if (!reaches_avoiding_path(t, from, region, steps)) continue;
    push(t, mask);
  }
  for (const frame &f : path) mark_[f.node] = region;
  visited_ += steps;
}

bool lock_order_graph::reaches_avoiding_path(lock_id start, lock_id goal, std::uint32_t region,
                                             std::size_t &steps) {
  reserve_epochs(seen_, seen_epoch_, 1);
  const std::uint32_t seen = ++seen_epoch_;
  bfs_.assign(1, start);
  seen_[start] = seen;
  for (std::size_t i = 0; i < bfs_.size(); ++i) {
    for (auto [e, end] = boost::out_edges(bfs_[i], graph_); e != end; ++e) {
      ++steps;
      auto t = static_cast<lock_id>(boost::target(*e, graph_));
      if (t == goal) return true;
      // Region nodes carry `region`; nodes on the current path carry a later epoch.
      if (mark_[t] != region || seen_[t] == seen) continue;
      seen_[t] = seen;
      bfs_.push_back(t);
    }
  }
  return false;
}

void lock_order_graph::remove_lock(lock_id id) {
  if (id >= boost::num_vertices(graph_)) return;
  auto forget = [&](lock_id from, lock_id to) {
    auto it = edges_.find(key(from, to));
    if (it == edges_.end()) return;
    if (!it->second.in_order) --unordered_edges_;
    edges_.erase(it);
  };
  for (auto [e, end] = boost::out_edges(id, graph_); e != end; ++e)
    forget(id, static_cast<lock_id>(boost::target(*e, graph_)));
  for (auto [e, end] = boost::in_edges(id, graph_); e != end; ++e)
    forget(static_cast<lock_id>(boost::source(*e, graph_)), id);
  // The node keeps its place in the order: with no edges left any place is consistent.
  boost::clear_vertex(id, graph_);
}

bool lock_order_graph::check_invariants() const {
  const std::size_t n = boost::num_vertices(graph_);
  if (ord_.size() != n || node_at_.size() != n) return false;
  std::vector<bool> seen(n, false);
  for (lock_id v = 0; v < n; ++v) {
    if (ord_[v] >= n || seen[ord_[v]] || node_at_[ord_[v]] != v) return false;
    seen[ord_[v]] = true;
  }
  if (boost::num_edges(graph_) != edges_.size()) return false;
  std::size_t unordered = 0;
  for (auto [e, end] = boost::edges(graph_); e != end; ++e) {
    auto s = static_cast<lock_id>(boost::source(*e, graph_));
    auto t = static_cast<lock_id>(boost::target(*e, graph_));
    auto it = edges_.find(key(s, t));
    if (it == edges_.end()) return false;
    if (!it->second.in_order) {
      ++unordered;
    } else if (ord_[s] >= ord_[t]) {
      return false;
    }
  }
  return unordered == unordered_edges_;
}

}  // namespace lockstep::rt::deadlock
