// The wait-for graph: real deadlocks, i.e. blocked threads that only each other can release.
//
// Contract (thread-compatible: the caller serializes every call):
//  * A thread is a `thread_id` (the runtime's own numbering). A resource is anything a thread can
//    block on, named by a `resource` (kind + id; ids are per kind). Each thread blocks on at most
//    one resource at a time: `block` replaces an earlier one.
//  * Owners are the threads that can make a blocked thread proceed: a mutex's holder, every
//    reader of a shared lock, the thread being joined (a running thread "owns" itself), the
//    threads that still have to arrive at a barrier or count down a latch. The caller keeps them
//    current with `add_owner`/`remove_owner`; adding an owner twice is the same as once.
//  * How owners release waiters depends on the kind (see `needs_all_owners`): a mutex, shared
//    lock, joined thread, barrier or latch needs *every* owner to act, so one owner blocked for
//    ever suffices for a deadlock; a semaphore or condition variable is released by *any* owner
//    (potential poster or notifier), so it deadlocks only when it has owners and all of them are
//    blocked for ever. A resource without owners never deadlocks anyone (nothing is known).
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

namespace lockstep::rt::deadlock {

using thread_id = std::uint64_t;

enum class resource_kind : std::uint8_t {
  mutex,               // exclusive lock (any mutex type, pthread or drop-in)
  shared_mutex,        // reader/writer lock: owners are the writer or every reader
  thread,              // a thread being joined; owned by itself while it runs
  barrier,             // owners: participants that have not arrived in this phase
  latch,               // owners: threads expected to count down
  semaphore,           // owners: threads expected to release
  condition_variable,  // owners: threads expected to notify
};

// True when a waiter needs every owner to act (mutexes, joins, barriers, latches); false when
// any single owner can release it (semaphores, condition variables).
constexpr bool needs_all_owners(resource_kind kind) {
  return kind != resource_kind::semaphore && kind != resource_kind::condition_variable;
}

struct resource {
  resource_kind kind = resource_kind::mutex;
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
