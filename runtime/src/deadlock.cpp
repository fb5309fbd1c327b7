// Integration of the graph detectors: lock-order edges (potential deadlocks, with gate locks) and the
// wait-for check of threads blocked for a while (real deadlocks: report with every blocked thread's
// stack, then exit, never hang).
//
// Cost model: a thread holding no lock adds no edge, and an edge this thread already gave the graph
// is a hit in its private cache, so the graph's global lock is taken only when something new happens.
// The wait-for check runs only after a blocking call has waited `deadlock_check_ms`.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <unordered_set>
#include <vector>

#include "deadlock/lock_order_graph.hpp"
#include "deadlock/wait_for_graph.hpp"
#include "rtl.hpp"

namespace lockstep::rt {

[[noreturn]] void die_after_report();

namespace {

struct order_state {
  spinlock mtx;
  deadlock::lock_order_graph graph;
  // Cycles already reported, by the acquisition sites of their edges (see site_key).
  std::unordered_set<std::uint64_t> reported_sites;
};
lazy_global<order_state> g_order;
// Bumped when a lock id is recycled: per-thread edge caches keyed by ids are then stale.
std::atomic<std::uint64_t> g_id_generation{0};

order_state &order() noexcept { return g_order.get(); }

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h | 1;  // never 0: 0 marks an empty cache slot
}

// A cycle's identity for reporting: the set of its edges' acquisition sites (where the first lock
// was taken, where the second), in any order. Locks taken in many orders at the same few sites (a
// loop locking an array in rotated orders) form thousands of cycles of one bug: one report, as
// ThreadSanitizer reports an inversion once per pair of acquisition sites.
std::uint64_t site_key(const deadlock::cycle &c) {
  std::vector<std::uint64_t> sites;
  for (const deadlock::edge_payload &p : c.edges) sites.push_back(std::uint64_t{p.from_stack} << 32 | p.to_stack);
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  std::uint64_t h = 0;
  for (std::uint64_t s : sites) h = mix(h ^ s);
  return h;
}

std::string tname(std::uint64_t uid) { return "thread T" + std::to_string(uid); }

// Threads that have been blocked for at least one check interval.
struct blocked_list {
  spinlock mtx;
  thread_state *threads[max_threads];
  std::uint32_t count = 0;
  std::atomic<bool> reported{false};
};
blocked_list g_blocked;  // zero-initialized static storage

// Waits on a drop-in semaphore, latch or barrier: any thread could still release, count down or
// arrive, so every running thread the runtime knows, the waiter included, is a possible owner, and
// the wait is a deadlock only once all of them are stuck in waits the runtime sees (a thread busy in
// a call the runtime does not see counts as running: no report).
bool any_thread_may_end(std::uint8_t kind) { return kind >= 6 && kind <= 8; }

// Whether t is (still) stuck in its registered wait: a drop-in type's wait may have ended without
// the runtime seeing it yet (its futex word moved), as long as t has not returned to unregister.
bool still_waiting(const thread_state *t) {
  return !any_thread_may_end(t->blocked_kind) || !t->blocked_word || *t->blocked_word == t->blocked_expected;
}

deadlock::resource resource_of(const thread_state *t) {
  deadlock::resource r;
  if (any_thread_may_end(t->blocked_kind)) {
    r.kind = deadlock::resource_kind::semaphore;  // released by any one owner
    r.id = t->blocked_on.load(std::memory_order_relaxed);
    return r;
  }
  switch (t->blocked_kind) {
  case 4:
    r.kind = deadlock::resource_kind::thread;
    r.id = t->blocked_target_tid;
    break;
  case 2:
  case 3:
    r.kind = deadlock::resource_kind::shared_mutex;
    r.id = t->blocked_on.load(std::memory_order_relaxed);
    break;
  default:
    r.kind = deadlock::resource_kind::mutex;
    r.id = t->blocked_on.load(std::memory_order_relaxed);
  }
  return r;
}

// Builds the wait-for graph of the currently long-blocked threads (called with g_blocked.mtx held).
// Owners are read from the sync records (mutex owner) and from the held sets of blocked threads
// (readers); a blocked thread's held set does not change while it stays blocked.
void build_graph(deadlock::wait_for_graph &g) {
  for (std::uint32_t i = 0; i < g_blocked.count; ++i) {
    thread_state *t = g_blocked.threads[i];
    if (!still_waiting(t)) continue;  // may be on its way out: counts as running
    const deadlock::resource r = resource_of(t);
    g.block(t->tid, r);
    if (t->blocked_kind == 4) {
      g.add_owner(r, t->blocked_target_tid - 1);  // a running thread "owns" its own termination
      continue;
    }
    if (any_thread_may_end(t->blocked_kind)) {
      for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
        thread_state *u = thread_by_tid(tid);
        if (!u) break;
        if (u->status.load(std::memory_order_acquire) == thread_status::running) g.add_owner(r, tid);
      }
      continue;
    }
    const std::uintptr_t addr = t->blocked_on.load(std::memory_order_relaxed);
    if (sync_var *s = sync_find(addr)) {
      if (std::uint32_t o = s->owner.load(std::memory_order_relaxed)) g.add_owner(r, o - 1);
    }
    // Readers among the blocked threads: only an rwlock is held shared. (Scanning them for every
    // blocked mutex waiter made each check O(blocked^2): minutes with thousands of threads queued
    // on one mutex.)
    if (t->blocked_kind != 2 && t->blocked_kind != 3) continue;
    for (std::uint32_t j = 0; j < g_blocked.count; ++j) {
      thread_state *u = g_blocked.threads[j];
      for (std::uint32_t k = 0; k < u->nheld; ++k)
        if (u->held[k].addr == addr && u->held[k].shared) g.add_owner(r, u->tid);
    }
  }
}

// Whether a wait-for cycle can be reached from thr: follows the waits with one owner (mutex, join,
// static initialization) for as long as their owners are long-blocked themselves. With thousands of
// threads queued on one mutex whose owner runs, a check is then a step or two instead of a graph of
// every blocked thread (each check O(blocked), so O(blocked^2) per interval: issue 8's 10,000 live
// threads spent minutes there). A wait on an rwlock (several owners) lets the whole graph decide,
// as does a chain that comes back to a thread (a cycle, or a lead-in to one). Called with
// g_blocked.mtx held.
bool may_reach_cycle(const thread_state *thr) {
  const thread_state *t = thr;
  for (std::uint32_t steps = 0; steps <= g_blocked.count; ++steps) {
    if (t->blocked_kind == 2 || t->blocked_kind == 3 || any_thread_may_end(t->blocked_kind)) return true;
    std::uint32_t owner = 0;  // tid + 1
    if (t->blocked_kind == 4) {
      owner = t->blocked_target_tid;
    } else if (sync_var *s = sync_find(t->blocked_on.load(std::memory_order_relaxed))) {
      owner = s->owner.load(std::memory_order_relaxed);
    }
    if (owner == 0) return false;  // nobody to wait for: no edge out of t (as in build_graph)
    const thread_state *o = thread_by_tid(owner - 1);
    if (!o || !o->wfg_registered) return false;  // the owner is not blocked: the chain ends
    if (o == thr) return true;
    t = o;
  }
  return true;
}

struct snapshot_entry {
  std::uint32_t tid;
  std::uint64_t seq;
};

bool same_waits(const std::vector<snapshot_entry> &a) {
  for (const snapshot_entry &e : a) {
    thread_state *t = thread_by_tid(e.tid);
    if (!t || !t->wfg_registered || t->block_seq.load(std::memory_order_relaxed) != e.seq || !still_waiting(t))
      return false;
  }
  return true;
}

std::string wait_description(const thread_state *t) {
  const std::uintptr_t addr = t->blocked_on.load(std::memory_order_relaxed);
  switch (t->blocked_kind) {
  case 4: {
    thread_state *target = thread_by_tid(t->blocked_target_tid - 1);
    return tname(t->unique_id) + " waits to join " + (target ? tname(target->unique_id) : std::string("a thread"));
  }
  case 5:
    return tname(t->unique_id) + " waits for the initialization of a function-local static (" +
           describe_sync(addr) + ")";
  case 6:
  case 7:
  case 8:
    return tname(t->unique_id) + " waits on " + describe_sync(addr) + ", which no running thread is left to " +
           (t->blocked_kind == 6 ? "release" : t->blocked_kind == 7 ? "count down" : "arrive at");
  case 2: return tname(t->unique_id) + " waits to write-lock " + describe_sync(addr);
  case 3: return tname(t->unique_id) + " waits to read-lock " + describe_sync(addr);
  default: return tname(t->unique_id) + " waits to lock " + describe_sync(addr);
  }
}

void report_deadlock(thread_state *thr, const deadlock::deadlock_cycle &c) {
  report r;
  r.kind = "deadlock";
  std::vector<thread_state *> involved;
  auto add = [&](deadlock::thread_id id) {
    thread_state *t = thread_by_tid(static_cast<std::uint32_t>(id));
    if (t && std::find(involved.begin(), involved.end(), t) == involved.end()) involved.push_back(t);
  };
  for (const auto &w : c.lead_in) add(w.thread);
  for (const auto &w : c.cycle) add(w.thread);
  r.summary = "deadlock: " + std::to_string(c.cycle.size()) + " thread(s) wait for each other for ever";
  for (thread_state *t : involved) {
    report_event ev;
    ev.description = wait_description(t);
    const std::uintptr_t addr = t->blocked_on.load(std::memory_order_relaxed);
    if (t->blocked_kind != 4) {
      if (sync_var *s = sync_find(addr)) {
        if (std::uint32_t o = s->owner.load(std::memory_order_relaxed))
          if (thread_state *ot = thread_by_tid(o - 1))
            ev.description += (t->blocked_kind == 5 ? ", run by " : ", held by ") + tname(ot->unique_id);
      }
    }
    ev.thread = t->unique_id;
    ev.stack = stack_from_id(t->blocked_stack);
    ev.locks_held = held_locks_of(t);
    r.events.push_back(std::move(ev));
    r.threads.push_back(describe_thread(*t));
    if (t->blocked_kind != 4) r.objects.push_back(describe_object(addr));
  }
  emit(thr, std::move(r));
}

}  // namespace

bool deadlock_on_acquire(thread_state *thr, sync_var *s, std::uintptr_t addr, std::uint32_t to) noexcept {
  (void)s;
  (void)addr;
  const std::uint64_t gen = g_id_generation.load(std::memory_order_acquire);
  if (thr->edge_cache_gen != gen) {
    for (auto &e : thr->edge_cache) e = 0;
    thr->edge_cache_gen = gen;
  }
  // Ids of the held locks (assigned lazily: locks that never nest never get one).
  std::uint32_t ids[max_held];
  const std::uint32_t n = thr->nheld;
  for (std::uint32_t i = 0; i < n; ++i) {
    held_lock &h = thr->held[i];
    if (!h.lock_id) {
      spin_guard g(h.sync->mtx);
      h.lock_id = ensure_lock_id(h.sync);
    }
    ids[i] = h.lock_id;
  }
  std::uint64_t gates_hash = 0;
  for (std::uint32_t i = 0; i < n; ++i) gates_hash += mix(ids[i]);
  std::uint32_t pending[max_held];
  std::uint64_t keys[max_held];
  std::uint32_t npending = 0;
  // Edges from the innermost held lock, and from each deeper one whose upper neighbour is not linked
  // to it: a linked neighbour means the graph already has that lock -> neighbour edge, so the lock
  // reaches `to` through the chain of linked entries (Linux lockdep's dependency chains). The graph
  // then has an unguarded cycle exactly when it would with an edge from every held lock (each chain
  // edge's gates are the locks held at its acquisition, so a gate held all along guards the chain
  // too); a reported cycle may pass through the locks in between. One edge per acquisition instead
  // of one per held lock: nesting h locks costs O(h) edges and gate entries, not O(h^2).
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!ids[i] || ids[i] == to) continue;
    if (i + 1 < n && thr->held[i + 1].linked) continue;
    const std::uint64_t key = mix((std::uint64_t{ids[i]} << 32 | to) ^ (gates_hash - mix(ids[i])) * 31);
    std::uint64_t &slot = thr->edge_cache[key & 255];
    if (slot == key) continue;  // this thread already reported exactly this edge with these gates
    keys[npending] = key;
    pending[npending++] = i;
  }
  if (npending == 0) return n > 0 && ids[n - 1] && ids[n - 1] != to;  // cached: already in the graph
  // Something new: the only place where a lock acquisition captures a full stack.
  try {
    const std::uint32_t to_stack = capture_stack_id(0);
    std::vector<deadlock::cycle> cycles;
    std::vector<deadlock::lock_id> gates;
    std::uint32_t from_stacks[max_held];
    for (std::uint32_t k = 0; k < npending; ++k) {
      from_stacks[k] = held_stack_id(thr, thr->held[pending[k]]);
    }
    {
      order_state &o = order();
      spin_guard g(o.mtx);
      for (std::uint32_t k = 0; k < npending; ++k) {
        const std::uint32_t i = pending[k];
        gates.clear();
        for (std::uint32_t j = 0; j < n; ++j)
          if (j != i && ids[j]) gates.push_back(ids[j]);
        deadlock::edge_payload p;
        p.thread = thr->unique_id;
        p.from_stack = from_stacks[k];
        p.to_stack = to_stack;
        o.graph.add_edge(ids[i], to, gates, p, cycles);
      }
      std::erase_if(cycles, [&](const deadlock::cycle &c) { return !o.reported_sites.insert(site_key(c)).second; });
    }
    for (std::uint32_t k = 0; k < npending; ++k) thr->edge_cache[keys[k] & 255] = keys[k];
    for (const deadlock::cycle &c : cycles) {
      report r;
      r.kind = "lock-order-inversion";
      r.summary = "lock-order inversion (potential deadlock) between " + std::to_string(c.locks.size()) + " locks";
      for (std::size_t e = 0; e < c.locks.size(); ++e) {
        const deadlock::lock_id from = c.locks[e], next = c.locks[(e + 1) % c.locks.size()];
        const deadlock::edge_payload &p = c.edges[e];
        const std::string from_d = describe_sync(lock_id_address(from));
        const std::string to_d = describe_sync(lock_id_address(next));
        // Each edge shows both of its acquisitions: the second lock's, and where the first was taken.
        report_event acq;
        acq.description = to_d + " acquired while holding " + from_d + " by " + tname(p.thread);
        acq.thread = p.thread;
        acq.stack = stack_from_id(p.to_stack);
        report_lock held;
        held.address = lock_id_address(from);
        held.description = from_d;
        held.acquired_at = stack_from_id(p.from_stack);
        held.show_acquisition = true;
        acq.locks_held.push_back(std::move(held));
        r.events.push_back(std::move(acq));
        r.objects.push_back(describe_object(lock_id_address(from)));
        bool known = false;
        for (const report_thread &t : r.threads) known = known || t.id == p.thread;
        if (!known) r.threads.push_back(describe_thread_by_unique_id(p.thread));  // it may have finished
      }
      r.missing_edge = "every thread must take these locks in one global order (or under one common gate lock)";
      emit(thr, std::move(r));
    }
  } catch (...) {
    // Rule 4: a detector failure (out of memory) is never the user's exception. The new entry is
    // then not linked: the next acquisition adds its edges from the deeper locks itself.
    return false;
  }
  return ids[n - 1] && ids[n - 1] != to;
}

void deadlock_on_destroy(std::uint32_t lock_id) noexcept {
  if (!lock_id || !g_order.built()) return;
  try {
    order_state &o = order();
    spin_guard g(o.mtx);
    o.graph.remove_lock(lock_id);
  } catch (...) {
  }
  g_id_generation.fetch_add(1, std::memory_order_release);
}

void deadlock_on_long_block(thread_state *thr, std::uintptr_t what, std::uint8_t kind,
                            std::uint32_t target_tid) noexcept {
  if (!thr->wfg_registered) {
    thr->blocked_kind = kind;
    thr->blocked_target_tid = target_tid;
    thr->blocked_on.store(what, std::memory_order_relaxed);
    thr->block_seq.fetch_add(1, std::memory_order_relaxed);
    thr->blocked_stack = capture_stack_id(0);
    // A deadlock report is printed by whichever member finds the cycle: each thread completes its
    // own held locks' acquisition stacks now, while their outer frames are walkable (held_stack).
    for (std::uint32_t i = 0; i < thr->nheld; ++i) (void)held_stack_id(thr, thr->held[i]);
    spin_guard g(g_blocked.mtx);
    g_blocked.threads[g_blocked.count++] = thr;
    thr->wfg_registered = true;
  }
  try {
    std::vector<snapshot_entry> snap;
    {
      spin_guard g(g_blocked.mtx);
      if (!still_waiting(thr) || !may_reach_cycle(thr)) return;
      deadlock::wait_for_graph wfg;
      build_graph(wfg);
      auto c = wfg.find_cycle(thr->tid);
      if (!c) return;
      for (const auto &w : c->cycle) {
        thread_state *t = thread_by_tid(static_cast<std::uint32_t>(w.thread));
        snap.push_back({static_cast<std::uint32_t>(w.thread), t ? t->block_seq.load(std::memory_order_relaxed) : 0});
      }
    }
    // Confirm: a thread that just obtained its lock unregisters within an interval, so the same waits
    // (same block sequence numbers) one interval later cannot be a snapshot artefact.
    const int ms = deadlock_check_interval_ms();
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
    std::optional<deadlock::deadlock_cycle> confirmed;
    {
      spin_guard g(g_blocked.mtx);
      if (!same_waits(snap)) return;
      deadlock::wait_for_graph wfg;
      build_graph(wfg);
      confirmed = wfg.find_cycle(thr->tid);
    }
    if (!confirmed) return;
    if (g_blocked.reported.exchange(true)) {
      // Another member of the cycle is reporting and will exit; wait for it rather than print twice.
      for (;;) pause();
    }
    report_deadlock(thr, *confirmed);
  } catch (...) {
    return;
  }
  die_after_report();
}

void deadlock_fork_lock() noexcept {
  order().mtx.lock();
  g_blocked.mtx.lock();
}

void deadlock_fork_unlock(bool child) noexcept {
  if (child) {
    g_blocked.count = 0;  // the blocked threads do not exist in the child
    for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
      thread_state *t = thread_by_tid(tid);
      if (!t) break;
      if (t != cur_thread_if_any()) t->wfg_registered = false;
    }
  }
  g_blocked.mtx.unlock();
  order().mtx.unlock();
}

void deadlock_on_unblock(thread_state *thr) noexcept {
  if (!thr->wfg_registered) return;
  spin_guard g(g_blocked.mtx);
  for (std::uint32_t i = 0; i < g_blocked.count; ++i) {
    if (g_blocked.threads[i] == thr) {
      g_blocked.threads[i] = g_blocked.threads[--g_blocked.count];
      break;
    }
  }
  thr->wfg_registered = false;
  thr->blocked_on.store(0, std::memory_order_relaxed);
  thr->blocked_word = nullptr;
}

}  // namespace lockstep::rt

// ---- the C events of a drop-in type's long wait (<lockstep/lockstep.h>) ----------------------------

using namespace lockstep::rt;

extern "C" {

int lockstep_wait_check_ms(void) { return deadlock_check_interval_ms(); }

void lockstep_wait_blocked(const volatile void *obj, const volatile unsigned *word, unsigned expected) {
  tracked_event([&](thread_state *t) {
    {
      spin_guard g(g_blocked.mtx);  // other threads' checks read them under this lock
      t->blocked_word = reinterpret_cast<const volatile std::uint32_t *>(word);
      t->blocked_expected = expected;
    }
    sync_var *s = sync_find(addr_of(obj));
    const sync_kind k = s ? s->kind : sync_kind::unknown;
    const std::uint8_t kind = k == sync_kind::semaphore ? 6 : k == sync_kind::latch ? 7 : k == sync_kind::barrier ? 8 : 0;
    if (kind) deadlock_on_long_block(t, addr_of(obj), kind, 0);  // reports and exits on a confirmed deadlock
  });
}

void lockstep_wait_unblocked(void) {
  tracked_event([](thread_state *t) { deadlock_on_unblock(t); });
}

}  // extern "C"
