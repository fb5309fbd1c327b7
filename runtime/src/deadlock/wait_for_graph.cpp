// The wait-for graph's bookkeeping and its deadlock test (a greatest fixpoint over waiting threads).
#include "deadlock/wait_for_graph.hpp"

#include <algorithm>
#include <deque>

namespace lockstep::rt::deadlock {

void wait_for_graph::block(thread_id t, resource r) { waits_[t] = r; }

void wait_for_graph::unblock(thread_id t) { waits_.erase(t); }

void wait_for_graph::add_owner(resource r, thread_id t) {
  auto &list = owners_[r];
  auto pos = std::lower_bound(list.begin(), list.end(), t);
  if (pos != list.end() && *pos == t) return;
  list.insert(pos, t);
  owned_[t].push_back(r);
}

void wait_for_graph::remove_owner(resource r, thread_id t) {
  auto it = owners_.find(r);
  if (it == owners_.end()) return;
  auto &list = it->second;
  auto pos = std::lower_bound(list.begin(), list.end(), t);
  if (pos == list.end() || *pos != t) return;
  list.erase(pos);
  if (list.empty()) owners_.erase(it);
  auto owned = owned_.find(t);
  if (owned != owned_.end()) {
    auto &rs = owned->second;
    rs.erase(std::find(rs.begin(), rs.end(), r));
    if (rs.empty()) owned_.erase(owned);
  }
}

void wait_for_graph::remove_thread(thread_id t) {
  unblock(t);
  auto owned = owned_.find(t);
  if (owned == owned_.end()) return;
  std::vector<resource> rs = owned->second;
  for (const resource &r : rs) remove_owner(r, t);
}

std::optional<resource> wait_for_graph::waiting_on(thread_id t) const {
  auto it = waits_.find(t);
  if (it == waits_.end()) return std::nullopt;
  return it->second;
}

std::vector<thread_id> wait_for_graph::owners(resource r) const {
  auto it = owners_.find(r);
  return it == owners_.end() ? std::vector<thread_id>{} : it->second;
}

std::optional<deadlock_cycle> wait_for_graph::find_cycle(thread_id t) const {
  if (!waits_.count(t)) return std::nullopt;
  static const std::vector<thread_id> no_owners;
  auto owners_of = [&](thread_id u) -> const std::vector<thread_id> & {
    auto it = owners_.find(waits_.at(u));
    return it == owners_.end() ? no_owners : it->second;
  };

  // 1. The blocked threads reachable from `t` through waits; only they can matter.
  struct node {
    explicit node(bool needs_all) : all(needs_all) {}
    bool all;                // needs every owner
    std::size_t support = 0; // all: owners still possibly deadlocked; any: unused
    bool deadlocked = true;  // until shown otherwise
    std::vector<thread_id> dependents;  // reachable threads waiting on a resource we own
  };
  std::unordered_map<thread_id, node> nodes;
  std::deque<thread_id> todo{t};
  nodes.emplace(t, node(needs_all_owners(waits_.at(t).kind)));
  std::vector<thread_id> order{t};
  while (!todo.empty()) {
    thread_id u = todo.front();
    todo.pop_front();
    for (thread_id o : owners_of(u)) {
      if (!waits_.count(o)) continue;  // a running owner: can still act
      if (nodes.emplace(o, node(needs_all_owners(waits_.at(o).kind))).second) {
        todo.push_back(o);
        order.push_back(o);
      }
    }
  }

  // 2. Greatest fixpoint: drop threads that some running owner (or, for "all" waits, no
  // deadlocked owner) can still release, then propagate the drops to their dependents.
  std::vector<thread_id> dropped;
  for (thread_id u : order) {
    node &n = nodes.at(u);
    const auto &os = owners_of(u);
    std::size_t blocked = 0;
    for (thread_id o : os) {
      if (nodes.count(o)) {
        ++blocked;
        nodes.at(o).dependents.push_back(u);
      }
    }
    n.support = blocked;
    bool alive = n.all ? blocked == 0 : (os.empty() || blocked < os.size());
    if (alive) {
      n.deadlocked = false;
      dropped.push_back(u);
    }
  }
  while (!dropped.empty()) {
    thread_id v = dropped.back();
    dropped.pop_back();
    for (thread_id u : nodes.at(v).dependents) {
      node &n = nodes.at(u);
      if (!n.deadlocked) continue;
      if (n.all && --n.support > 0) continue;
      n.deadlocked = false;
      dropped.push_back(u);
    }
  }
  if (!nodes.at(t).deadlocked) return std::nullopt;

  // 3. Walk from `t` along deadlocked owners (lowest id first) until a thread repeats.
  std::vector<wait> walk;
  std::unordered_map<thread_id, std::size_t> index;
  thread_id cur = t;
  while (!index.count(cur)) {
    index.emplace(cur, walk.size());
    walk.push_back(wait{cur, waits_.at(cur)});
    for (thread_id o : owners_of(cur)) {  // sorted, so the first deadlocked one is the lowest
      if (nodes.count(o) && nodes.at(o).deadlocked) {
        cur = o;
        break;
      }
    }
  }
  deadlock_cycle result;
  std::size_t start = index.at(cur);
  result.lead_in.assign(walk.begin(), walk.begin() + static_cast<std::ptrdiff_t>(start));
  result.cycle.assign(walk.begin() + static_cast<std::ptrdiff_t>(start), walk.end());
  return result;
}

}  // namespace lockstep::rt::deadlock
