// Naive reference implementations of the two graph detectors, used as test oracles.
//
// They follow the detectors' contracts literally and recompute everything from scratch on every
// query with plain searches over all edges: slow, but simple enough to trust.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "deadlock/lock_order_graph.hpp"
#include "deadlock/wait_for_graph.hpp"

namespace lockstep::rt::deadlock::testing {

class reference_lock_order_graph {
 public:
  // `enumerate_cycles = false` only tracks edges (for large graphs, where listing every simple
  // cycle would take exponential time; tests then use `reachable`).
  explicit reference_lock_order_graph(bool enumerate_cycles = true)
      : enumerate_cycles_(enumerate_cycles) {}

  bool add_edge(lock_id from, lock_id to, std::span<const lock_id> other_held,
                const edge_payload &payload, std::vector<cycle> &out) {
    if (from == to) return false;
    std::set<lock_id> held;
    for (lock_id g : other_held)
      if (g != from && g != to) held.insert(g);
    while (held.size() > lock_order_graph::max_gates) held.erase(std::prev(held.end()));

    auto it = edges_.find({from, to});
    if (it == edges_.end()) {
      edges_[{from, to}] = edge{held, payload};
      enumerate(from, to, nullptr, out);
      return true;
    }
    std::set<lock_id> old = it->second.gates, now;
    for (lock_id g : old)
      if (std::find(other_held.begin(), other_held.end(), g) != other_held.end()) now.insert(g);
    if (now == old) return false;
    it->second.gates = now;
    it->second.payload = payload;
    enumerate(from, to, &old, out);
    return true;
  }

  void remove_lock(lock_id id) {
    std::erase_if(edges_, [&](const auto &e) { return e.first.first == id || e.first.second == id; });
  }

  bool has_edge(lock_id from, lock_id to) const { return edges_.count({from, to}) != 0; }
  std::vector<lock_id> gates(lock_id from, lock_id to) const {
    auto it = edges_.find({from, to});
    if (it == edges_.end()) return {};
    return {it->second.gates.begin(), it->second.gates.end()};
  }
  bool reachable(lock_id from, lock_id to) const {
    std::set<lock_id> seen{from};
    std::vector<lock_id> todo{from};
    while (!todo.empty()) {
      lock_id n = todo.back();
      todo.pop_back();
      if (n == to) return true;
      for (const auto &[k, e] : edges_)
        if (k.first == n && seen.insert(k.second).second) todo.push_back(k.second);
    }
    return false;
  }

 private:
  struct edge {
    std::set<lock_id> gates;
    edge_payload payload;
  };

  // Every simple path to ~> from closes a cycle with from->to; keep those unguarded now and
  // guarded (or absent) before.
  void enumerate(lock_id from, lock_id to, const std::set<lock_id> *old_gates,
                 std::vector<cycle> &out) const {
    if (!enumerate_cycles_) return;
    std::vector<lock_id> path{to};
    std::function<void()> dfs = [&] {
      lock_id n = path.back();
      for (const auto &[k, e] : edges_) {
        if (k.first != n) continue;
        lock_id t = k.second;
        if (t == from) {
          std::vector<lock_id> locks{from};
          locks.insert(locks.end(), path.begin(), path.end());
          consider(locks, old_gates, out);
        } else if (std::find(path.begin(), path.end(), t) == path.end()) {
          path.push_back(t);
          dfs();
          path.pop_back();
        }
      }
    };
    dfs();
  }

  void consider(const std::vector<lock_id> &locks, const std::set<lock_id> *old_gates,
                std::vector<cycle> &out) const {
    auto common = [&](const std::set<lock_id> &first) {
      std::set<lock_id> c = first;
      for (std::size_t i = 1; i < locks.size(); ++i) {
        const auto &g = edges_.at({locks[i], locks[(i + 1) % locks.size()]}).gates;
        std::set<lock_id> next;
        std::set_intersection(c.begin(), c.end(), g.begin(), g.end(),
                              std::inserter(next, next.end()));
        c = std::move(next);
      }
      return c;
    };
    if (!common(edges_.at({locks[0], locks[1]}).gates).empty()) return;  // guarded now
    if (old_gates && common(*old_gates).empty()) return;  // unguarded before: reported then
    cycle c;
    c.locks = locks;
    for (std::size_t i = 0; i < locks.size(); ++i)
      c.edges.push_back(edges_.at({locks[i], locks[(i + 1) % locks.size()]}).payload);
    out.push_back(std::move(c));
  }

  bool enumerate_cycles_;
  std::map<std::pair<lock_id, lock_id>, edge> edges_;
};

class reference_wait_for_graph {
 public:
  void block(thread_id t, resource r) { waits_[t] = r; }
  void unblock(thread_id t) { waits_.erase(t); }
  void add_owner(resource r, thread_id t) { owners_[key(r)].insert(t); }
  void remove_owner(resource r, thread_id t) { owners_[key(r)].erase(t); }
  void remove_thread(thread_id t) {
    waits_.erase(t);
    for (auto &[r, os] : owners_) os.erase(t);
  }
  bool is_blocked(thread_id t) const { return waits_.count(t) != 0; }
  std::set<thread_id> owners(resource r) const {
    auto it = owners_.find(key(r));
    return it == owners_.end() ? std::set<thread_id>{} : it->second;
  }

  // The deadlocked threads, by the definition: start from every blocked thread and repeatedly
  // drop those that a running or non-deadlocked owner could still release.
  std::set<thread_id> deadlocked() const {
    std::set<thread_id> d;
    for (const auto &[t, r] : waits_) d.insert(t);
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = d.begin(); it != d.end();) {
        resource r = waits_.at(*it);
        std::set<thread_id> os = owners(r);
        std::size_t in_d = 0;
        for (thread_id o : os) in_d += d.count(o);
        bool stuck = needs_all_owners(r.kind) ? in_d > 0 : (!os.empty() && in_d == os.size());
        if (stuck) {
          ++it;
        } else {
          it = d.erase(it);
          changed = true;
        }
      }
    }
    return d;
  }

  // A second, independent formulation valid when every wait needs all owners: a thread is
  // deadlocked when following waits from it reaches a cycle.
  bool reaches_cycle(thread_id t) const {
    auto next = [&](thread_id u) {
      std::vector<thread_id> n;
      auto w = waits_.find(u);
      if (w == waits_.end()) return n;
      for (thread_id o : owners(w->second))
        if (waits_.count(o)) n.push_back(o);
      return n;
    };
    auto reaches = [&](thread_id a, thread_id b, bool at_least_one_step) {
      std::set<thread_id> seen;
      std::vector<thread_id> todo;
      if (at_least_one_step) {
        todo = next(a);
      } else {
        todo = {a};
      }
      while (!todo.empty()) {
        thread_id u = todo.back();
        todo.pop_back();
        if (u == b) return true;
        if (!seen.insert(u).second) continue;
        for (thread_id v : next(u)) todo.push_back(v);
      }
      return false;
    };
    if (!waits_.count(t)) return false;
    for (const auto &[u, r] : waits_)
      if (reaches(t, u, false) && reaches(u, u, true)) return true;
    return false;
  }

 private:
  static std::pair<int, std::uint64_t> key(resource r) { return {static_cast<int>(r.kind), r.id}; }
  std::map<thread_id, resource> waits_;
  std::map<std::pair<int, std::uint64_t>, std::set<thread_id>> owners_;
};

}  // namespace lockstep::rt::deadlock::testing
