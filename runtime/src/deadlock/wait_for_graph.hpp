// The wait-for graph: real deadlocks, i.e. blocked threads that only each other can release.
//
// Contract (thread-compatible: the caller serializes every call):
//  * A thread is a `thread_id` (the runtime's own numbering). A resource is anything a thread can
//    block on, named by a `resource` (kind + id; ids are per kind). Each thread blocks on at most
//    one resource at a time: `block` replaces an earlier one.
//  * Owners are the threads that can make a blocked thread proceed (wait_kind.hpp's table says
//    which for each kind): a mutex's holder, every reader of a shared lock, the thread being joined
//    (a running thread "owns" itself), or every running thread for the waits any thread could end
//    (a semaphore, latch, barrier or condition variable: the runtime cannot know which threads still
//    will). The caller keeps them current with `add_owner`/`remove_owner`; adding an owner twice is
//    the same as once.
//  * How owners release waiters depends on the kind (see `needs_all_owners`): a lock or a joined
//    thread needs *every* owner to act, so one owner blocked for ever suffices for a deadlock; the
//    waits any thread could end are ended by *any* owner, so they deadlock only when they have
//    owners and all of them are blocked for ever. A resource without owners never deadlocks anyone
//    (nothing is known).
//  * `find_cycle(t)` answers whether `t` is deadlocked: blocked, and every way out depends on
//    threads that are themselves deadlocked. It returns the cycle of waits reached from `t`, and
//    the waits leading from `t` to that cycle when `t` is only queued behind it.
//    Its cost is bounded by the threads reachable from `t` through waits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "deadlock/wait_kind.hpp"

namespace lockstep::rt::deadlock {

using thread_id = std::uint64_t;

struct resource {
  wait_kind kind = wait_kind::mutex;
  std::uint64_t id = 0;
  friend bool operator==(const resource &, const resource &) = default;
};

struct resource_hash {
  std::size_t operator()(const resource &r) const noexcept {
    return std::hash<std::uint64_t>{}(r.id * 8 + static_cast<std::uint64_t>(r.kind));
  }
};

// One blocked thread and what it waits for.
struct wait {
  thread_id thread = 0;
  resource on;
  friend bool operator==(const wait &, const wait &) = default;
};

struct deadlock_cycle {
  // waits[i].thread waits on waits[i].on, which is owned by waits[(i + 1) % n].thread.
  std::vector<wait> cycle;
  // When the queried thread is not itself on the cycle: its wait first, then each wait on the
  // way to the cycle (the last one's resource is owned by cycle[0].thread). Empty otherwise.
  std::vector<wait> lead_in;
};

class wait_for_graph {
 public:
  // `t` starts waiting on `r` (replacing any earlier wait of `t`).
  void block(thread_id t, resource r);
  // `t` is no longer waiting. No effect when it was not.
  void unblock(thread_id t);
  void add_owner(resource r, thread_id t);
  // No effect when `t` did not own `r`. The resource is forgotten when it has no owner left.
  void remove_owner(resource r, thread_id t);
  // Forgets everything about a thread that exited: its wait and its ownerships.
  void remove_thread(thread_id t);

  // Whether `t` is deadlocked, and the cycle proving it (deterministic: the lowest owner id is
  // followed when several would do).
  std::optional<deadlock_cycle> find_cycle(thread_id t) const;

  std::optional<resource> waiting_on(thread_id t) const;
  std::vector<thread_id> owners(resource r) const;  // sorted

 private:
  std::unordered_map<thread_id, resource> waits_;
  std::unordered_map<resource, std::vector<thread_id>, resource_hash> owners_;  // sorted
  std::unordered_map<thread_id, std::vector<resource>> owned_;  // reverse index of owners_
};

}  // namespace lockstep::rt::deadlock
