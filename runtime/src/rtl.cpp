// Runtime-wide state and glue: initialization, the sync-object table, option caching, and the bridge
// to the reporting layer (stacks, depot, emit).
#include "rtl.hpp"

#include <cstring>

#include "flags.hpp"
#include "table.hpp"

namespace lockstep::rt {

namespace {

using sync_table = addr_table<sync_var, 20>;  // 1M buckets: chains stay short up to millions of objects
lazy_global<sync_table> g_sync;

sync_table &syncs() noexcept { return g_sync.get(); }

// Options are read once; the hot paths test these plain bytes.
struct cached_options {
  std::atomic<bool> ready{false};
  bool races = true, lock_order = true, deadlocks = true;
  int check_ms = 100;
};
cached_options g_opts;
spinlock g_opts_mtx;

const cached_options &opts() noexcept {
  if (!g_opts.ready.load(std::memory_order_acquire)) {
    spin_guard g(g_opts_mtx);
    if (!g_opts.ready.load(std::memory_order_relaxed)) {
      const flags_t &f = flags();
      g_opts.races = f.detect_races;
      g_opts.lock_order = f.detect_lock_order;
      g_opts.deadlocks = f.detect_deadlocks;
      g_opts.check_ms = f.deadlock_check_ms > 0 ? f.deadlock_check_ms : 1;
      g_shadow_ids.epochs_per_id.store(static_cast<std::uint32_t>(f.shadow_id_epochs), std::memory_order_relaxed);
      g_shadow_ids.ids_in_use.store(static_cast<std::uint32_t>(f.shadow_ids), std::memory_order_relaxed);
      g_opts.ready.store(true, std::memory_order_release);
    }
  }
  return g_opts;
}

// Pages that hold runtime state (sync records, shadow cells): freeing a heap block only costs a
// lookup per page unless one of its pages has state to forget.
struct page_node {
  std::atomic<std::uintptr_t> addr{0};
  std::atomic<page_node *> next{nullptr};
  page_node *free_next = nullptr;
  page_node *all_next = nullptr;
  std::atomic<std::uint8_t> flags{0};
};
using page_table = addr_table<page_node, 16>;
lazy_global<page_table> g_pages;
constexpr unsigned page_shift = 12;

page_table &pages() noexcept { return g_pages.get(); }

}  // namespace

void tables_fork_lock() noexcept {
  syncs().lock_all();
  pages().lock_all();
}

void tables_fork_unlock() noexcept {
  pages().unlock_all();
  syncs().unlock_all();
}

void tables_after_fork_child() noexcept {
  syncs().for_each_node_in_fork_child([](sync_var &s) { s.mtx.unlock(); });
}

// Called after the new record was inserted. Always a read-modify-write, never a load that skips it:
// for_each_state_page may be clearing the flag at the same moment, and either this RMW comes after
// that clear (the page stays marked) or the clear reads from it and so sees the record inserted.
void note_state_page(std::uintptr_t addr, std::uint8_t flag) noexcept {
  bool fresh;
  // Keyed by page number + 1: key 0 marks a free table node.
  if (page_node *n = pages().get_or_create((addr >> page_shift) + 1, [](page_node &) {}, fresh))
    n->flags.fetch_or(flag, std::memory_order_acq_rel);
}

void for_each_state_page(std::uintptr_t lo, std::size_t size,
                         void (*fn)(std::uintptr_t from, std::uintptr_t to, std::uint8_t flags),
                         std::uint8_t clear) noexcept {
  if (!g_pages.built() || size == 0) return;
  const std::uintptr_t hi = lo + size;
  for (std::uintptr_t page = lo >> page_shift; page <= (hi - 1) >> page_shift; ++page) {
    page_node *n = pages().find(page + 1);
    if (!n) continue;
    const std::uintptr_t a = (page << page_shift) > lo ? (page << page_shift) : lo;
    const std::uintptr_t b = ((page + 1) << page_shift) < hi ? ((page + 1) << page_shift) : hi;
    const bool whole = a == (page << page_shift) && b == ((page + 1) << page_shift);
    const std::uint8_t f = whole && clear ? n->flags.fetch_and(static_cast<std::uint8_t>(~clear), std::memory_order_acq_rel)
                                          : n->flags.load(std::memory_order_acquire);
    if (f) fn(a, b, f);
  }
}

bool opt_detect_races() noexcept { return opts().races; }
bool opt_detect_lock_order() noexcept { return opts().lock_order; }
bool opt_detect_deadlocks() noexcept { return opts().deadlocks; }
int deadlock_check_interval_ms() noexcept { return opts().deadlocks ? opts().check_ms : 0; }

sync_var *sync_find(std::uintptr_t addr) noexcept { return syncs().find(addr); }

void sync_for_each_in_range(std::uintptr_t lo, std::uintptr_t hi, void (*fn)(std::uintptr_t addr)) noexcept {
  syncs().for_each_address_in(lo, hi, fn);
}

sync_var *sync_get_or_create(std::uintptr_t addr, sync_kind kind) noexcept {
  bool fresh = false;
  sync_var *s = syncs().get_or_create(
      addr, [kind](sync_var &s) { s.kind = kind; }, fresh);
  if (fresh) note_state_page(addr, page_has_sync);  // rare: first sight of this object
  return s;
}

std::atomic<std::uint32_t> g_held_forgets{0};

void sync_remove(std::uintptr_t addr) noexcept {
  syncs().remove(addr, [](sync_var &s) {
    // Reset under the node's own lock so a stale user (a program destroying an object it still
    // uses) sees either the old or a clean state, never a torn one.
    spin_guard g(s.mtx);
    s.generation.fetch_add(1, std::memory_order_release);
    // Somebody's held set may still name it: have every thread check its set at its next lock event.
    if (s.owner.load(std::memory_order_relaxed) != 0 || s.readers != 0)
      g_held_forgets.fetch_add(1, std::memory_order_release);
    s.kind = sync_kind::unknown;
    s.recursive = s.errorcheck = s.robust = s.reported_destroyed = false;
    s.owner.store(0, std::memory_order_relaxed);
    s.recursion = s.readers = 0;
    s.lock_id = 0;
    s.created_stack = 0;
    s.acquired_pc = 0;
    s.name = nullptr;
    s.cv_mutex = 0;
    s.cv_waiters = s.cv_mutex_stack = s.cv_mutex_tid = 0;
    s.cv_mixed = false;
    s.guard_state = 0;
    s.guard_initializer = 0;
    // Moved, not reset: a waiter still watching this count (the program waits on a forgotten object)
    // must not keep counting as stuck.
    __atomic_fetch_add(&s.cv_signals, 1, __ATOMIC_RELEASE);
    s.cv_last_notify_thread = 0;
    s.cv_last_notify_frames = 0;
    s.counter = counter_state{};
    s.clock.reset();
    s.read_clock.reset();
    s.arrivals.reset();
  });
}

std::size_t sync_live_count() noexcept { return syncs().live(); }

void emit(thread_state *thr, report &&r) noexcept {
  if (thr) ++thr->in_rt;  // the reporting layer may call interposed functions: forward them untracked
  try {
    emit_report(std::move(r));
  } catch (...) {
    // Rule 4: a failure to print never becomes an exception in the user's program.
  }
  if (thr) --thr->in_rt;
}

// Frames of the runtime itself are dropped when the stack is symbolized (whatever inlining did), so
// callers pass 0 rather than guessing how many of our frames are on top.
std::uint32_t capture_stack_id(int skip) noexcept {
  stack_trace st = capture_stack(skip + 1);
  return stack_depot_put(st);
}

std::uint32_t fp_stack_id(thread_state *thr, std::uintptr_t pc) noexcept {
  std::uintptr_t pcs[stack_trace::max_frames];  // not a stack_trace: zeroing it would cost more than the walk
  const std::uint32_t n = fp_walk(pc, thr->stack, pcs, stack_trace::max_frames);
  const std::uint64_t h = stack_hash(pcs, n);
  const std::uint64_t key = h | 1;  // 0 marks an empty cache slot
  const unsigned slot = static_cast<unsigned>((h * 0x9E3779B97F4A7C15ull) >> 58);  // stack_hash's top bits mix poorly
  if (thr->stack_cache_key[slot] == key) return thr->stack_cache_id[slot];
  const std::uint32_t id = stack_depot_put(pcs, n, h);
  thr->stack_cache_key[slot] = key;
  thr->stack_cache_id[slot] = id;
  return id;
}

stack_trace single_frame(std::uintptr_t pc) noexcept {
  stack_trace st;
  if (pc) {
    st.pcs[0] = pc;
    st.size = 1;
  }
  return st;
}

stack_trace stack_from_id(std::uint32_t id) noexcept { return id ? stack_depot_get(id) : stack_trace{}; }

}  // namespace lockstep::rt
