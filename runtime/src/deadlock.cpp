// Integration of the graph detectors: lock-order edges (potential deadlocks, with gate locks) and the
// wait-for check of threads blocked for a while (real deadlocks: report with every blocked thread's
// stack, then exit, never hang).
//
// Cost model: a thread holding no lock adds no edge, and an edge this thread already gave the graph
// is a hit in its private cache, so the graph's global lock is taken only when something new happens.
// The wait-for check runs only after a blocking call has waited `deadlock_check_ms`; untimed
// condition-variable waits, whose threads sleep in the real wait, are checked by the runtime's helper
// thread (watchdog.cpp) only once every thread of the program looks stuck.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
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

// The waits any thread could end (deadlock::any_thread_may_end: a drop-in semaphore, latch or
// barrier, an untimed condition-variable wait): every running thread the runtime knows, the waiter
// included, is a possible owner, and the wait is a deadlock only once all of them are stuck in waits
// the runtime sees (a thread busy in a call the runtime does not see counts as running: no report),
// and the process has no thread the runtime does not know (unseen_threads).
using deadlock::any_thread_may_end;
using deadlock::wait_owners;

// The runtime's helper thread (watchdog.cpp), not a thread of the program; 0 while there is none.
std::atomic<int> g_helper_tid{0};

// Whether t is (still) stuck in its registered wait: a drop-in type's wait may have ended without
// the runtime seeing it yet (its futex word moved; for a condition variable, a notification that
// began after the wait did and has returned), as long as t has not returned to unregister.
bool still_waiting(const thread_state *t) {
  return !any_thread_may_end(t->blocked_kind) || !t->blocked_word || *t->blocked_word == t->blocked_expected;
}

deadlock::resource resource_of(const thread_state *t) {
  const std::uint64_t id = t->blocked_kind == wait_kind::join ? t->blocked_target_tid
                                                              : t->blocked_on.load(std::memory_order_relaxed);
  return {t->blocked_kind, id};
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
    const std::uintptr_t addr = t->blocked_on.load(std::memory_order_relaxed);
    switch (deadlock::traits(t->blocked_kind).owners) {
    case wait_owners::nobody: break;
    case wait_owners::joined_thread:
      g.add_owner(r, t->blocked_target_tid - 1);  // a running thread "owns" its own termination
      break;
    case wait_owners::any_running_thread:
      for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
        thread_state *u = thread_by_tid(tid);
        if (!u) break;
        if (u->status.load(std::memory_order_acquire) == thread_status::running) g.add_owner(r, tid);
      }
      break;
    case wait_owners::holder_readers:
      // Readers among the blocked threads. (Scanning them for every blocked mutex waiter too made
      // each check O(blocked^2): minutes with thousands of threads queued on one mutex.)
      for (std::uint32_t j = 0; j < g_blocked.count; ++j) {
        thread_state *u = g_blocked.threads[j];
        for (std::uint32_t k = 0; k < u->nheld; ++k)
          if (u->held[k].addr == addr && u->held[k].shared) g.add_owner(r, u->tid);
      }
      [[fallthrough]];
    case wait_owners::holder:
      if (sync_var *s = sync_find(addr)) {
        if (std::uint32_t o = s->owner.load(std::memory_order_relaxed)) g.add_owner(r, o - 1);
      }
      break;
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
    const wait_owners owners = deadlock::traits(t->blocked_kind).owners;
    if (owners == wait_owners::holder_readers || owners == wait_owners::any_running_thread) return true;
    std::uint32_t owner = 0;  // tid + 1
    if (owners == wait_owners::joined_thread) {
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
  const deadlock::wait_kind_traits &k = deadlock::traits(t->blocked_kind);
  const std::string waiter = tname(t->unique_id);
  switch (t->blocked_kind) {
  case wait_kind::join: {
    thread_state *target = thread_by_tid(t->blocked_target_tid - 1);
    return waiter + " waits to join " + (target ? tname(target->unique_id) : std::string("a thread"));
  }
  case wait_kind::static_init:
    return waiter + " waits for the initialization of a function-local static (" + describe_sync(addr) + ")";
  case wait_kind::condition_variable:
    return waiter + " waits on " + describe_sync(addr) + " with " + describe_sync(t->cv_wait_mutex) +
           " (no timeout), which no running thread is left to " + std::string(k.ender);
  default:
    if (!k.ender.empty())
      return waiter + " waits on " + describe_sync(addr) + ", which no running thread is left to " + std::string(k.ender);
    return waiter + " waits to " + std::string(k.verb) + " " + describe_sync(addr);
  }
}

// Whether a signal handler the program installed for a signal that may arrive at any time (not a
// fault's: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT) could end a wait: POSIX allows
// only sem_post there, but a handler that notifies a condition variable works with glibc and real
// programs do it (stop on SIGTERM). Such a handler runs on a thread the runtime sees as stuck.
bool async_signal_handlers() {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP || sig == SIGSYS ||
        sig == SIGABRT || sig == SIGKILL || sig == SIGSTOP)
      continue;
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) != 0) continue;  // glibc's internal signals are refused
    const bool handler = (sa.sa_flags & SA_SIGINFO) != 0 ? sa.sa_sigaction != nullptr
                                                         : sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN;
    if (handler) return true;
  }
  return false;
}

// Whether the process runs threads the runtime does not know: threads created without the interposed
// pthread_create (glibc's helpers for SIGEV_THREAD timers and asynchronous I/O, a raw clone), which
// could notify, release or arrive without the runtime seeing them until they do. Counts the live
// (not zombie) tasks of /proc/self/task, the runtime's helper thread left out, against the program's
// threads the runtime knows as running; a thread that finished in the runtime's eyes but has not left
// the kernel yet also makes the count higher, which only postpones a report. False when /proc cannot
// be read (the runtime then trusts its own knowledge). Raw system calls: no allocation, no lock.
bool unseen_threads() {
  std::uint32_t known = 0;
  for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
    thread_state *u = thread_by_tid(tid);
    if (!u) break;
    if (u->status.load(std::memory_order_acquire) == thread_status::running) ++known;
  }
  const int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  const int helper = g_helper_tid.load(std::memory_order_relaxed);
  std::uint32_t live = 0;
  alignas(8) char buf[4096];
  for (;;) {
    const long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      auto *d = reinterpret_cast<dirent64 *>(buf + off);
      off += d->d_reclen;
      int task = 0;
      const char *p = d->d_name;
      for (; *p >= '0' && *p <= '9'; ++p) task = task * 10 + (*p - '0');
      if (p == d->d_name || *p != '\0' || task == helper) continue;
      char path[64] = "/proc/self/task/";
      std::size_t len = 16;
      for (const char *q = d->d_name; *q && len < sizeof path - 6; ++q) path[len++] = *q;
      for (const char *q = "/stat"; *q; ++q) path[len++] = *q;
      path[len] = '\0';
      char stat[512];
      const int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;  // gone meanwhile
      const long got = read(fd, stat, sizeof stat - 1);
      close(fd);
      if (got <= 0) continue;
      // "tid (name) S ...": the state follows the last ')' (a name may itself hold parentheses).
      long close_paren = -1;
      for (long i = 0; i < got; ++i)
        if (stat[i] == ')') close_paren = i;
      const char state = close_paren >= 0 && close_paren + 2 < got ? stat[close_paren + 2] : '?';
      if (state != 'Z' && state != 'X' && state != 'x') ++live;
    }
  }
  close(dir);
  return live > known;
}

// Every thread `t` deadlocks with, for the report: the cycle and its lead-in; when a wait in it could
// be ended by any thread, every registered thread instead (each is a possible notifier or releaser
// that is stuck: what it waits on tells why nobody can end the wait), those waits first, each group
// by thread, so the report does not depend on which thread found the deadlock. Called with
// g_blocked.mtx held.
std::vector<thread_state *> deadlock_parties(const deadlock::deadlock_cycle &c, bool &any_owner) {
  std::vector<thread_state *> involved;
  any_owner = false;
  auto add = [&](thread_state *t) {
    if (t && std::find(involved.begin(), involved.end(), t) == involved.end()) involved.push_back(t);
  };
  for (const auto &w : c.lead_in) add(thread_by_tid(static_cast<std::uint32_t>(w.thread)));
  for (const auto &w : c.cycle) add(thread_by_tid(static_cast<std::uint32_t>(w.thread)));
  for (thread_state *t : involved) any_owner = any_owner || any_thread_may_end(t->blocked_kind);
  if (any_owner) {
    std::vector<thread_state *> rest;
    for (std::uint32_t i = 0; i < g_blocked.count; ++i) rest.push_back(g_blocked.threads[i]);
    std::sort(rest.begin(), rest.end(), [](const thread_state *a, const thread_state *b) { return a->tid < b->tid; });
    for (thread_state *t : rest) add(t);
    std::stable_sort(involved.begin(), involved.end(), [](const thread_state *a, const thread_state *b) {
      const bool a_any = any_thread_may_end(a->blocked_kind), b_any = any_thread_may_end(b->blocked_kind);
      return a_any != b_any ? a_any : a->tid < b->tid;
    });
  }
  return involved;
}

void add_object(report &r, std::uintptr_t addr) {
  for (const report_object &o : r.objects)
    if (o.address == addr) return;
  r.objects.push_back(describe_object(addr));
}

// `thr`: the reporting thread, null for the runtime's helper thread.
void report_deadlock(thread_state *thr, const std::vector<thread_state *> &involved, bool any_owner) {
  report r;
  r.kind = "deadlock";
  if (any_owner && involved.size() == 1) {
    r.summary = "deadlock: " + tname(involved[0]->unique_id) +
                " waits for ever: no other thread of the program is alive to end its wait";
  } else if (any_owner) {
    r.summary = "deadlock: " + std::to_string(involved.size()) +
                " threads wait for ever: every live thread is blocked, none can end another's wait";
  } else {
    r.summary = "deadlock: " + std::to_string(involved.size()) + " thread(s) wait for each other for ever";
  }
  auto add_thread = [&](std::uint64_t uid, const report_thread &t) {
    for (const report_thread &k : r.threads)
      if (k.id == uid) return;
    r.threads.push_back(t);
  };
  for (thread_state *t : involved) {
    report_event ev;
    ev.description = wait_description(t);
    const std::uintptr_t addr = t->blocked_on.load(std::memory_order_relaxed);
    const std::string_view owner_role = deadlock::traits(t->blocked_kind).owner_role;
    if (!owner_role.empty()) {
      if (sync_var *s = sync_find(addr)) {
        if (std::uint32_t o = s->owner.load(std::memory_order_relaxed))
          if (thread_state *ot = thread_by_tid(o - 1))
            ev.description += ", " + std::string(owner_role) + " " + tname(ot->unique_id);
      }
    }
    ev.thread = t->unique_id;
    ev.stack = stack_from_id(t->blocked_stack);
    ev.locks_held = held_locks_of(t);
    r.events.push_back(std::move(ev));
    add_thread(t->unique_id, describe_thread(*t));
    if (t->blocked_kind != wait_kind::join) add_object(r, addr);
    if (t->blocked_kind == wait_kind::condition_variable && t->cv_wait_mutex) add_object(r, t->cv_wait_mutex);
  }
  // A notification that came before the wait began (lost: nothing notified since): who sent it.
  std::vector<std::uintptr_t> cvs;
  for (thread_state *t : involved) {
    const std::uintptr_t cv = t->blocked_on.load(std::memory_order_relaxed);
    if (t->blocked_kind != wait_kind::condition_variable || std::find(cvs.begin(), cvs.end(), cv) != cvs.end()) continue;
    cvs.push_back(cv);
    sync_var *c = sync_find(cv);
    if (!c) continue;
    std::uint64_t notifier;
    report_event ev;
    {
      spin_guard g(c->mtx);
      notifier = c->cv_last_notify_thread;
      for (std::uint32_t i = 0; i < c->cv_last_notify_frames; ++i) ev.stack.pcs[i] = c->cv_last_notify_pcs[i];
      ev.stack.size = c->cv_last_notify_frames;
    }
    if (!notifier) continue;
    ev.thread = notifier - 1;
    ev.description = "the last notification of " + describe_sync(cv) + " was sent by " + tname(notifier - 1) +
                     " before " + tname(t->unique_id) + " began to wait (none since)";
    ev.locks_known = false;
    r.events.push_back(std::move(ev));
    add_thread(notifier - 1, describe_thread_by_unique_id(notifier - 1));
  }
  emit(thr, std::move(r));
}

// Looks for a deadlock `from` (registered, blocked) is part of or queued behind; once one is confirmed
// a check interval later, reports it as `reporter` (null: the helper thread) and ends the process.
// Returns when there is none.
void check_and_report(thread_state *from, thread_state *reporter) noexcept {
  try {
    std::vector<snapshot_entry> snap;
    {
      spin_guard g(g_blocked.mtx);
      if (!still_waiting(from) || !may_reach_cycle(from)) return;
      deadlock::wait_for_graph wfg;
      build_graph(wfg);
      auto c = wfg.find_cycle(from->tid);
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
    std::vector<thread_state *> involved;
    bool any_owner = false;
    {
      spin_guard g(g_blocked.mtx);
      if (!same_waits(snap)) return;
      deadlock::wait_for_graph wfg;
      build_graph(wfg);
      auto confirmed = wfg.find_cycle(from->tid);
      if (!confirmed) return;
      involved = deadlock_parties(*confirmed, any_owner);
    }
    if (any_owner && (unseen_threads() || async_signal_handlers())) return;  // they may still end the wait
    if (g_blocked.reported.exchange(true)) {
      // Another member of the cycle is reporting and will exit; wait for it rather than print twice.
      for (;;) pause();
    }
    report_deadlock(reporter, involved, any_owner);
  } catch (...) {
    return;
  }
  die_after_report();
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

void deadlock_on_long_block(thread_state *thr, std::uintptr_t what, wait_kind kind,
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
  check_and_report(thr, thr);
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
  deadlock_on_cv_wait_end(thr);
}

void deadlock_on_cv_wait_end(thread_state *thr) noexcept {
  spin_guard g(g_blocked.mtx);
  if (!thr->wfg_registered) return;
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

void deadlock_set_helper_tid(int kernel_tid) noexcept { g_helper_tid.store(kernel_tid, std::memory_order_relaxed); }

void deadlock_watch_tick() noexcept {
  thread_state *first = nullptr;  // a condition-variable waiter registered for the check
  {
    spin_guard g(g_blocked.mtx);
    // A thread of the program that is neither in an untimed condition-variable wait nor registered in
    // a watched wait may still notify: nothing can be stuck for good yet. This scan is all a tick
    // costs while the program runs.
    bool any_waiter = false;
    for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
      thread_state *u = thread_by_tid(tid);
      if (!u) break;
      if (u->status.load(std::memory_order_acquire) != thread_status::running) continue;
      if (u->cv_wait.load(std::memory_order_acquire) != 0) {
        any_waiter = true;
        continue;
      }
      if (!u->wfg_registered) return;
    }
    if (!any_waiter) return;
    // Every thread looks stuck: register the condition-variable waiters (the others registered
    // themselves). A waiter that returns meanwhile (its exchange to 0 wins over the 1 -> 2 here)
    // is not registered; one that sees 2 unregisters itself under this lock
    // (deadlock_on_cv_wait_end).
    for (std::uint32_t tid = 0; tid < max_threads; ++tid) {
      thread_state *u = thread_by_tid(tid);
      if (!u) break;
      if (u->status.load(std::memory_order_acquire) != thread_status::running) continue;
      std::uint8_t state = u->cv_wait.load(std::memory_order_acquire);
      if (state == 1) {
        if (!u->cv_wait.compare_exchange_strong(state, 2, std::memory_order_acq_rel)) continue;
        u->wfg_registered = true;  // a waiter that saw 2 reads it under this lock
        g_blocked.threads[g_blocked.count++] = u;
      }
      if (state != 0 && !first && still_waiting(u)) first = u;
    }
  }
  // Every untimed condition-variable wait has the same owners (every running thread): checking one
  // answers for all of them.
  if (first) check_and_report(first, nullptr);  // reports and ends the process on a confirmed deadlock
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
    const wait_kind kind = k == sync_kind::semaphore ? wait_kind::semaphore
                          : k == sync_kind::latch   ? wait_kind::latch
                          : k == sync_kind::barrier ? wait_kind::barrier
                                                    : wait_kind::none;
    if (kind != wait_kind::none) deadlock_on_long_block(t, addr_of(obj), kind, 0);  // reports and exits on a confirmed deadlock
  });
}

void lockstep_wait_unblocked(void) {
  tracked_event([](thread_state *t) { deadlock_on_unblock(t); });
}

}  // extern "C"
