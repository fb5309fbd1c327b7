// Shadow state for annotated memory accesses and the data-race detector (FastTrack).
//
// Each 8-byte granule that was ever accessed has a cell with, per byte, the last write's epoch and
// either the last read's epoch (reads totally ordered so far) or a read clock (concurrent readers),
// plus where each access happened (source site, call pc, stack, the locks held as an interned set) so
// both sides of a race can be reported with their stacks. A race is an earlier access not covered by the current thread's
// vector clock: found whatever the interleaving, as long as both accesses ran.
//
// Performance: an access is one lookup in the thread's cell cache (the shared table on a miss), one
// cell spinlock and, per byte, an epoch compare ("same epoch as last time" exits at once). Aligned
// 8-byte accesses that find nothing to report take an inline path that writes only what changed: a
// reader's new epoch is one 4-byte store, and where the access happened is stored only when it
// differs from what its slot holds. Cells are allocated on first access only.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include <lockstep/annotations.hpp>

#include "rtl.hpp"
#include "runtime_memory.hpp"
#include "table.hpp"

namespace lockstep::rt {

namespace {

struct access_info {
  const lockstep_source_site *site = nullptr;
  std::uintptr_t pc = 0;
  std::uint64_t thread = 0;  // unique id of the accessing thread
  std::uint32_t lockset = 0;
  std::uint32_t size = 0;
  std::uint32_t stack = 0;   // depot id of the access's stack, 0 = not captured (call site only)
};

// The stack of the current access, walked at most once per access and only when a slot needs it.
class access_stack {
public:
  access_stack(thread_state *thr, std::uintptr_t pc) noexcept : thr_(thr), pc_(pc) {}
  std::uint32_t id() noexcept {
    if (!done_) {
      id_ = fp_stack_id(thr_, pc_);
      done_ = true;
    }
    return id_;
  }

private:
  thread_state *thr_;
  std::uintptr_t pc_;
  std::uint32_t id_ = 0;
  bool done_ = false;
};

// Whether storing `info` into `slot` needs a new stack: the slot describes another thread's access
// or another call site. A thread that accesses the same memory again from the same call site keeps
// the slot's stack: walking the stack at every access would cost more than the rest of the access,
// and in the loops where this repeats the stack is nearly always the same. So the stack shown for an
// earlier access is that of the first of a run of accesses by one thread from one call site
// (documented in runtime.md); its site, thread, size and locks are always the latest.
inline bool needs_stack(const access_info &slot, const access_info &info) noexcept {
  return (slot.pc != info.pc) | (slot.thread != info.thread);
}

// Records where an access happened in an info slot, writing only when that differs from what the slot
// holds: a thread that re-accesses from the same place with the same locks (a loop) leaves the slot's
// cache line alone. The one place that decides whether an access's info is stored.
inline void store_info(access_info &slot, const access_info &info, access_stack &stack) noexcept {
  const bool new_place = needs_stack(slot, info);
  // One branch for the whole comparison: every field is equal in the common case anyway.
  if (!new_place & (slot.site == info.site) & (slot.lockset == info.lockset) & (slot.size == info.size)) return;
  const std::uint32_t stack_id = new_place ? stack.id() : slot.stack;
  slot = info;
  slot.stack = stack_id;
}

// Concurrent readers of one byte: per thread slot, the read's clock and where it happened. One block
// from the internal allocator: this header, the clocks (what every access reads or writes: 4 bytes a
// slot, next to the header), then the infos (written only when a reader's place changes, read by
// reports). Zeroed memory is an empty read clock.
struct read_shared {
  std::uint32_t cap;  // thread slots
  std::uint32_t unused_;
  std::uint32_t *clk() noexcept { return reinterpret_cast<std::uint32_t *>(this + 1); }
  access_info *info() noexcept {
    return reinterpret_cast<access_info *>(reinterpret_cast<char *>(this + 1) + clocks_bytes(cap));
  }
  static std::size_t clocks_bytes(std::uint32_t cap) noexcept {
    return (cap * sizeof(std::uint32_t) + alignof(access_info) - 1) & ~(alignof(access_info) - 1);
  }
  static std::size_t bytes(std::uint32_t cap) noexcept {
    return sizeof(read_shared) + clocks_bytes(cap) + cap * sizeof(access_info);
  }
};

// Per byte: the epochs (what detection needs) and which of the cell's info slots describes the
// access behind each epoch (what reports need). An access stores its info once, in the slot of its
// first byte, instead of once per byte: an 8-byte access costs one 32-byte store, not eight.
// (A later, narrower access can overwrite a slot other bytes still point to; then a report shows
// that later access's site for them. Detection, which uses only the epochs, is unaffected.)
struct byte_shadow {
  epoch w = 0;
  epoch r = 0;  // valid when rs == nullptr
  read_shared *rs = nullptr;
  std::uint8_t wslot = 0, rslot = 0;
};

struct shadow_cell {
  std::atomic<std::uintptr_t> addr{0};
  std::atomic<shadow_cell *> next{nullptr};
  shadow_cell *free_next = nullptr;
  shadow_cell *all_next = nullptr;
  // Keeps the lookup fields above off the cache line that accessing threads write (the lock and
  // the state): lookups by other threads then hit a line that stays shared.
  char pad_[64];
  spinlock mtx;
  // True while all 8 bytes have the same state, kept in b[0] alone (b[1..7] are stale): whole-granule
  // accesses (8-byte or larger, aligned) then check one byte instead of eight. A narrower access
  // first splits the cell (copies b[0] out); a whole-granule write makes it uniform again.
  bool uniform = true;
  byte_shadow b[8];
  access_info winfo[8], rinfo[8];
};

read_shared *copy_read_shared(read_shared *rs) noexcept;
void free_read_shared(read_shared *rs) noexcept;

void split_cell(shadow_cell &cell) noexcept {
  cell.uniform = false;
  for (unsigned i = 1; i < 8; ++i) {
    cell.b[i] = cell.b[0];
    if (cell.b[0].rs) cell.b[i].rs = copy_read_shared(cell.b[0].rs);
  }
}

void clear_cell(shadow_cell &cell) noexcept {
  const unsigned n = cell.uniform ? 1 : 8;
  for (unsigned i = 0; i < n; ++i) free_read_shared(cell.b[i].rs);
  for (byte_shadow &b : cell.b) b = byte_shadow{};
  for (access_info &i : cell.winfo) i = access_info{};
  for (access_info &i : cell.rinfo) i = access_info{};
  cell.uniform = true;
}

using shadow_table = addr_table<shadow_cell, 20>;
lazy_global<shadow_table> g_shadow;

shadow_table &table() noexcept { return g_shadow.get(); }

// A read clock with room for thread slots up to `max_tid`; null when out of memory.
read_shared *new_read_shared(std::uint32_t max_tid) noexcept {
  std::uint32_t cap = 4;
  while (cap <= max_tid) cap *= 2;
  void *mem = internal_alloc(read_shared::bytes(cap));
  if (!mem) return nullptr;
  auto *rs = static_cast<read_shared *>(mem);  // zeroed: every slot empty
  rs->cap = cap;
  return rs;
}

void free_read_shared(read_shared *rs) noexcept {
  if (rs) internal_free(rs, read_shared::bytes(rs->cap));
}

// Sets thread slot `tid` of the read clock, growing it (rare: moves it) when tid is beyond its
// capacity. The info is the current access's (with `stack`) or, without, another reader's copied
// as it is. False when out of memory (the read is then not recorded).
bool rs_set(read_shared *&rs, std::uint32_t tid, std::uint32_t clk, const access_info &info,
            access_stack *stack = nullptr) noexcept {
  if (tid >= rs->cap) {
    read_shared *bigger = new_read_shared(tid);
    if (!bigger) return false;
    for (std::uint32_t i = 0; i < rs->cap; ++i) {
      bigger->clk()[i] = rs->clk()[i];
      bigger->info()[i] = rs->info()[i];
    }
    free_read_shared(rs);
    rs = bigger;
  }
  rs->clk()[tid] = clk;
  if (stack)
    store_info(rs->info()[tid], info, *stack);
  else
    rs->info()[tid] = info;
  return true;
}

read_shared *copy_read_shared(read_shared *rs) noexcept {
  void *mem = internal_alloc(read_shared::bytes(rs->cap));
  if (!mem) return nullptr;
  std::memcpy(mem, rs, read_shared::bytes(rs->cap));
  return static_cast<read_shared *>(mem);
}

// What a race report needs about the earlier access.
struct conflict {
  bool found = false;
  bool prev_write = false;
  access_info prev;
  std::uint32_t prev_tid = 0;
  std::uintptr_t byte = 0;
};

// Reports each pair of source locations once (loops would repeat the same race thousands of times).
struct dedup_set {
  spinlock mtx;
  std::uint64_t keys[4096] = {};
};
dedup_set g_dedup;

bool first_time(std::uintptr_t a, std::uintptr_t b) noexcept {
  if (a > b) std::swap(a, b);
  std::uint64_t k = (a * 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull);
  k |= 1;
  spin_guard g(g_dedup.mtx);
  for (std::uint32_t i = 0; i < 4096; ++i) {
    std::uint64_t &slot = g_dedup.keys[(k + i) & 4095];
    if (slot == k) return false;
    if (slot == 0) {
      slot = k;
      return true;
    }
  }
  return true;  // table full: report rather than stay silent
}

std::string hex(std::uintptr_t a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, a);
  return buf;
}

std::string where(const lockstep_source_site *site) {
  if (!site) return "";
  return std::string(" at ") + (site->file ? site->file : "?") + ":" + std::to_string(site->line) + " in " +
         (site->function ? site->function : "?");
}

// Ranges where races are accepted (AnnotateBenignRace*): few, looked at only when a race is found.
struct benign_ranges {
  spinlock mtx;
  static constexpr std::size_t capacity = 4096;
  std::uintptr_t lo[capacity];
  std::uintptr_t hi[capacity];
  std::size_t count;
};
benign_ranges g_benign;  // zero-initialized static storage

bool benign(std::uintptr_t addr, std::size_t size) noexcept {
  if (__atomic_load_n(&g_benign.count, __ATOMIC_ACQUIRE) == 0) return false;
  spin_guard g(g_benign.mtx);
  for (std::size_t i = 0; i < g_benign.count; ++i)
    if (addr < g_benign.hi[i] && g_benign.lo[i] < addr + size) return true;
  return false;
}

void report_race(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write, const access_info &cur,
                 const conflict &c) {
  race_side now;
  now.thread = thr->unique_id;
  now.write = is_write;
  now.size = size;
  now.site = cur.site;
  now.pc = cur.pc;
  now.stack = capture_stack(0);
  race_side prior;
  prior.thread = c.prev.thread;
  prior.write = c.prev_write;
  prior.size = c.prev.size;
  prior.site = c.prev.site;
  prior.pc = c.prev.pc;
  prior.stack = c.prev.stack ? stack_from_id(c.prev.stack) : single_frame(c.prev.pc);
  prior.locks = lockset_locks(c.prev.lockset);
  report_data_race(thr, addr, c.byte, now, prior);
}

// Read clocks of at most this many thread slots survive a write (see access_byte).
constexpr std::uint32_t keep_read_clock_cap = 16;

// FastTrack on one byte; `slot` is where this access's info goes in the cell. Records the first
// conflict into `c`. Always inlined: it runs once per 8-byte access, and a call would cost as much
// as its same-epoch exit.
__attribute__((always_inline)) inline void
access_byte(shadow_cell &cell, unsigned i, unsigned slot, epoch me, bool is_write, const access_info &info,
            access_stack &stack, conflict &c, std::uintptr_t byte_addr, thread_state *thr) noexcept {
  byte_shadow &b = cell.b[i];
  const vector_clock &C = thr->clock;
  if (is_write) {
    if (b.w == me) return;  // same epoch: nothing new (the common case in loops)
    if (b.w && epoch_tid(b.w) != thr->tid && !C.covers(b.w) && !c.found)
      c = conflict{true, true, cell.winfo[b.wslot], epoch_tid(b.w), byte_addr};
    if (b.rs) {
      std::uint32_t *clk = b.rs->clk();
      for (std::uint32_t t = 0; t < b.rs->cap; ++t) {
        if (clk[t] && t != thr->tid && clk[t] > C.get(t) && !c.found)
          c = conflict{true, false, b.rs->info()[t], t, byte_addr};
        clk[t] = 0;
      }
      // A small read clock is kept, emptied, for the next round of readers (a reader/writer
      // pattern would otherwise free and reallocate it at every write, through the allocator's
      // global lock). A read clock with entries of ordered reads is still exact, only larger than
      // an epoch. Large ones (many thread slots) are freed.
      if (b.rs->cap > keep_read_clock_cap) {
        free_read_shared(b.rs);
        b.rs = nullptr;
      }
    } else if (b.r && epoch_tid(b.r) != thr->tid && !C.covers(b.r) && !c.found) {
      c = conflict{true, false, cell.rinfo[b.rslot], epoch_tid(b.r), byte_addr};
    }
    // Every earlier read is ordered before this write (or was just reported): later accesses that
    // race with those reads also race with this write, so the reads can be forgotten.
    b.w = me;
    b.wslot = static_cast<std::uint8_t>(slot);
    b.r = 0;
    return;
  }
  if (b.rs) {
    if (thr->tid < b.rs->cap && b.rs->clk()[thr->tid] == epoch_clock(me)) return;
  } else if (b.r == me) {
    return;
  }
  if (b.w && epoch_tid(b.w) != thr->tid && !C.covers(b.w) && !c.found)
    c = conflict{true, true, cell.winfo[b.wslot], epoch_tid(b.w), byte_addr};
  if (b.rs) {
    rs_set(b.rs, thr->tid, epoch_clock(me), info, &stack);
  } else if (!b.r || epoch_tid(b.r) == thr->tid || C.covers(b.r)) {
    b.r = me;  // reads still totally ordered: an epoch suffices
    b.rslot = static_cast<std::uint8_t>(slot);
  } else {
    // A second, concurrent reader: switch to a read clock (per-thread infos live in it).
    read_shared *rs = new_read_shared(epoch_tid(b.r) > thr->tid ? epoch_tid(b.r) : thr->tid);
    if (!rs) {
      b.r = me;
      b.rslot = static_cast<std::uint8_t>(slot);
      return;
    }
    rs_set(rs, epoch_tid(b.r), epoch_clock(b.r), cell.rinfo[b.rslot]);
    rs_set(rs, thr->tid, epoch_clock(me), info, &stack);
    b.rs = rs;
    b.r = 0;
  }
}

// The common access, inline: a whole granule of a uniform cell (an aligned 8-byte scalar) when there
// is nothing to report and nothing to allocate. The same FastTrack rules as access_byte, minus the
// conflict bookkeeping. Returns false, having changed nothing, when the general path must run
// instead (a possible race, a second concurrent reader, a large read clock to free).
__attribute__((always_inline)) inline bool access_granule_fast(shadow_cell &cell, thread_state *thr, epoch me,
                                                               bool is_write, const access_info &info,
                                                               access_stack &stack) noexcept {
  byte_shadow &b = cell.b[0];
  const vector_clock &C = thr->clock;
  const std::uint32_t tid = thr->tid;
  // An earlier access (epoch e, 0 = none) that cannot race with this one.
  auto ordered = [&](epoch e) { return e == 0 || epoch_tid(e) == tid || C.covers(e); };
  // A slot that needs a new stack sends the access to the general path, whose stack walk is a call
  // this path does not make (so `stack` is never walked here).
  if (is_write) {
    if (b.w == me) return true;  // same epoch: nothing new
    if (!ordered(b.w) || needs_stack(cell.winfo[0], info)) return false;
    if (read_shared *rs = b.rs) {
      if (rs->cap > keep_read_clock_cap) return false;
      std::uint32_t *clk = rs->clk();
      for (std::uint32_t t = 0; t < rs->cap; ++t)
        if (clk[t] && t != tid && clk[t] > C.get(t)) return false;
      for (std::uint32_t t = 0; t < rs->cap; ++t)
        if (clk[t]) clk[t] = 0;  // emptied, kept for the next readers (see access_byte)
    } else if (!ordered(b.r)) {
      return false;
    }
    b.w = me;
    b.wslot = 0;
    b.r = 0;
    store_info(cell.winfo[0], info, stack);
    return true;
  }
  if (read_shared *rs = b.rs) {
    if (tid >= rs->cap) return false;
    std::uint32_t &mine = rs->clk()[tid];
    if (mine == epoch_clock(me)) return true;
    if (!ordered(b.w) || needs_stack(rs->info()[tid], info)) return false;
    mine = epoch_clock(me);  // a new epoch of a known reader: the common read of a read-shared byte
    store_info(rs->info()[tid], info, stack);
    return true;
  }
  if (b.r == me) return true;
  if (!ordered(b.w) || !ordered(b.r) || needs_stack(cell.rinfo[0], info)) return false;
  b.r = me;
  b.rslot = 0;
  store_info(cell.rinfo[0], info, stack);
  return true;
}

// The cache-miss half of lock_cell: the shared table, creating the cell on first access.
__attribute__((noinline)) shadow_cell *lock_cell_slow(thread_state::shadow_cache_entry &hint,
                                                      std::uintptr_t g) noexcept {
  shadow_table &t = table();
  for (;;) {
    bool fresh;
    shadow_cell *cell = t.get_or_create(g, [](shadow_cell &) {}, fresh);
    if (!cell) return nullptr;
    if (__builtin_expect(fresh, 0)) note_state_page(g, page_has_shadow);
    cell->mtx.lock();
    // A reset (free, forget_range) may have removed the cell, and another granule reused it,
    // between the lookup and the lock: then look again rather than update someone else's state.
    if (__builtin_expect(cell->addr.load(std::memory_order_relaxed) == g, 1)) {
      hint.granule = g;
      hint.cell = cell;
      return cell;
    }
    cell->mtx.unlock();
  }
}

// The cell of granule g, locked; null when out of memory. A cached cell is valid when, under its
// lock, it still belongs to g: a reset clears `addr` under the cell's lock before recycling it (see
// shadow_reset), so a recycled cell can never pass for g's.
inline shadow_cell *lock_cell(thread_state *thr, std::uintptr_t g) noexcept {
  thread_state::shadow_cache_entry &hint = thr->shadow_cache[(g >> 3) & (thread_state::shadow_cache_size - 1)];
  if (__builtin_expect(hint.granule == g, 1)) {
    auto *cell = static_cast<shadow_cell *>(hint.cell);
    cell->mtx.lock();
    if (__builtin_expect(cell->addr.load(std::memory_order_relaxed) == g, 1)) return cell;
    cell->mtx.unlock();
  }
  return lock_cell_slow(hint, g);
}

// Where the calling thread's access happens, for the shadow's info slots.
inline access_info make_info(thread_state *thr, std::size_t size, const ::lockstep_source_site *site,
                             std::uintptr_t pc) noexcept {
  access_info info;
  info.site = site;
  info.pc = pc;
  info.thread = thr->unique_id;
  info.lockset = current_lockset(thr);
  info.size = static_cast<std::uint32_t>(size);
  return info;
}

inline epoch current_epoch(const thread_state *thr) noexcept { return make_epoch(thr->tid, thr->clock.get(thr->tid)); }

// Any access: granule by granule, byte by byte where needed, with race reports.
__attribute__((noinline)) void shadow_access_slow(thread_state *thr, std::uintptr_t addr, std::size_t size,
                                                  bool is_write, const ::lockstep_source_site *site,
                                                  std::uintptr_t pc) noexcept {
  rt_scope sc(thr);
  const access_info info = make_info(thr, size, site, pc);
  const epoch me = current_epoch(thr);
  access_stack stack(thr, pc);
  conflict c;
  const std::uintptr_t end = addr + size;
  for (std::uintptr_t g = addr & ~std::uintptr_t{7}; g < end; g += 8) {
    shadow_cell *cell = lock_cell(thr, g);
    if (!cell) return;
    spin_guard lk(cell->mtx, std::adopt_lock);
    const unsigned lo = static_cast<unsigned>((g < addr ? addr : g) - g);
    const unsigned hi = static_cast<unsigned>((g + 8 < end ? g + 8 : end) - g);
    if (lo == 0 && hi == 8) {
      if (cell->uniform) {
        access_byte(*cell, 0, 0, me, is_write, info, stack, c, g, thr);
      } else {
        for (unsigned i = 0; i < 8; ++i) access_byte(*cell, i, 0, me, is_write, info, stack, c, g + i, thr);
        if (is_write) {
          // Every byte now holds this write and no reads; b[1..7] go stale, so their (emptied) read
          // clocks are freed now: split_cell would overwrite the pointers.
          for (unsigned i = 1; i < 8; ++i) {
            free_read_shared(cell->b[i].rs);
            cell->b[i].rs = nullptr;
          }
          cell->uniform = true;
        }
      }
    } else {
      if (cell->uniform) split_cell(*cell);
      for (unsigned i = lo; i < hi; ++i) access_byte(*cell, i, lo, me, is_write, info, stack, c, g + i, thr);
    }
    // The info goes in after the loop: the loop may still need the slot's previous content. Reads
    // of a read-shared byte keep their info in the read clock instead.
    if (is_write)
      store_info(cell->winfo[lo], info, stack);
    else if (!cell->b[lo].rs)
      store_info(cell->rinfo[lo], info, stack);
  }
  if (c.found) {
    try {
      report_race(thr, addr, size, is_write, info, c);
    } catch (...) {
    }
  }
}

// The first access after the held locks changed (once per critical section): finds the new lock
// set's id, then goes round again. Out of line, so the fast path makes no call.
__attribute__((noinline)) void access_after_lockset_change(thread_state *thr, std::uintptr_t addr, std::size_t size,
                                                           bool is_write, const ::lockstep_source_site *site,
                                                           std::uintptr_t pc) noexcept {
  access_lockset_slow(thr);
  shadow_access(thr, addr, size, is_write, site, pc);
}

}  // namespace

std::uint32_t access_lockset_slow(thread_state *thr) noexcept {
  if (!refresh_lockset_cached(thr)) {
    rt_scope sc(thr);  // the interner takes a spinlock of its own
    current_lockset_slow(thr);
  }
  return thr->lockset;
}

// The common access (an aligned 8-byte scalar, its cell cached and uniform, the lock set interned,
// nothing to report or allocate) runs here without a call; anything else leaves through a tail
// call before touching the shadow, so this path saves no registers.
void shadow_access(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write,
                   const ::lockstep_source_site *site, std::uintptr_t pc) noexcept {
  if (__builtin_expect((addr & 7) != 0 || size != 8, 0))
    return shadow_access_slow(thr, addr, size, is_write, site, pc);
  if (__builtin_expect(thr->lockset == lockset_stale, 0)) return access_after_lockset_change(thr, addr, size, is_write, site, pc);
  const thread_state::shadow_cache_entry &hint =
      thr->shadow_cache[(addr >> 3) & (thread_state::shadow_cache_size - 1)];
  if (__builtin_expect(hint.granule != addr, 0)) return shadow_access_slow(thr, addr, size, is_write, site, pc);
  auto *cell = static_cast<shadow_cell *>(hint.cell);
  ++thr->in_rt;  // rule 3, before the cell lock: a signal handler's access must not wait for it
  if (__builtin_expect(!cell->mtx.try_lock(), 0)) {
    --thr->in_rt;
    return shadow_access_slow(thr, addr, size, is_write, site, pc);  // waits for the lock there
  }
  // Still this granule's cell (see lock_cell), in the uniform state the fast path handles?
  bool done = false;
  if (__builtin_expect(cell->addr.load(std::memory_order_relaxed) == addr && cell->uniform, 1)) {
    access_info info;
    info.site = site;
    info.pc = pc;
    info.thread = thr->unique_id;
    info.lockset = thr->lockset;
    info.size = 8;
    access_stack stack(thr, pc);  // never walked here (see access_granule_fast)
    done = access_granule_fast(*cell, thr, current_epoch(thr), is_write, info, stack);
  }
  cell->mtx.unlock();
  --thr->in_rt;
  // Otherwise the general path starts over: it sees whatever the cell holds by then, as if this
  // access had come a moment later.
  if (__builtin_expect(!done, 0)) return shadow_access_slow(thr, addr, size, is_write, site, pc);
}

namespace {

// What a race report says, beyond the two accesses' stacks, threads and locks.
struct race_words {
  std::string summary, now_event, prior_event, object, missing_edge;
  std::uintptr_t object_address = 0;
  stack_trace object_created_at;
};

void emit_race(thread_state *thr, race_side &now, race_side &prior, race_words w) {
  report r;
  r.kind = "data-race";
  r.summary = std::move(w.summary);
  report_event ev;
  ev.description = std::move(w.now_event);
  ev.thread = now.thread;
  ev.stack = now.stack;
  ev.locks_held = held_locks_of(thr);
  r.events.push_back(std::move(ev));
  report_event prev;
  prev.description = std::move(w.prior_event);
  prev.thread = prior.thread;
  prev.stack = prior.stack;
  prev.locks_held = std::move(prior.locks);
  prev.locks_known = prior.locks_known;
  r.events.push_back(std::move(prev));
  report_object o;
  o.address = w.object_address;
  o.description = std::move(w.object);
  o.created_at = w.object_created_at;
  r.objects.push_back(std::move(o));
  r.threads.push_back(describe_thread(*thr));
  if (prior.thread != thr->unique_id) r.threads.push_back(describe_thread_by_unique_id(prior.thread));
  r.missing_edge = std::move(w.missing_edge);
  emit(thr, std::move(r));
}

// A race on a descriptor's object (fd_objects.cpp): a close (its write) against a use (a read).
race_words descriptor_race_words(int fd, const race_side &now, const race_side &prior) {
  const std::string d = "file descriptor " + std::to_string(fd);
  auto what = [](const race_side &s) { return std::string(s.write ? "close" : "use"); };
  auto by = [](const race_side &s) { return " by thread T" + std::to_string(s.thread); };
  race_words w;
  w.summary = "data race on " + d + ": " + what(now) + by(now) + " and earlier " + what(prior) + by(prior);
  w.now_event = std::string(now.write ? "Close" : "Use") + " of " + d + by(now);
  w.prior_event = "Previous " + what(prior) + " of " + d + by(prior) + prior.note;
  // "file descriptor 5, which thread T0 created at:" and the stack of the call that made it
  // (fd_objects.cpp; the report adds " created at:" before a stack).
  w.object = d;
  if (const std::uint64_t maker = fd_origins[fd].thread.load(std::memory_order_relaxed)) {
    w.object_created_at = stack_from_id(fd_origins[fd].stack.load(std::memory_order_relaxed));
    w.object += w.object_created_at.size ? ", which thread T" + std::to_string(maker - 1)
                                         : ", created by thread T" + std::to_string(maker - 1) + " (where is not known)";
  }
  w.missing_edge = "no happens-before between the " + what(prior) + " of " + d + by(prior) + " and its " + what(now) +
                   by(now) +
                   ": close a descriptor only after every other thread is done with it (join it, or hand over "
                   "under a lock); once closed, its number can be given to another file at any moment";
  return w;
}

}  // namespace

void report_data_race(thread_state *thr, std::uintptr_t addr, std::uintptr_t byte, race_side &now,
                      race_side &prior) {
  if (benign(addr, now.size)) return;
  const std::uintptr_t a = now.site ? reinterpret_cast<std::uintptr_t>(now.site) : now.pc;
  const std::uintptr_t b = prior.site ? reinterpret_cast<std::uintptr_t>(prior.site) : prior.pc;
  if (!first_time(a, b)) return;
  if (const int fd = fd_of_object(byte); fd >= 0) return emit_race(thr, now, prior, descriptor_race_words(fd, now, prior));
  auto kind = [](const race_side &s) { return std::string(s.atomic ? "atomic " : "") + (s.write ? "write" : "read"); };
  race_words w;
  w.summary = "data race on " + hex(byte) + ": " + kind(now) + " by thread T" + std::to_string(now.thread) +
              " and earlier " + kind(prior) + " by thread T" + std::to_string(prior.thread);
  std::string k = kind(now);
  k[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(k[0])));
  w.now_event = k + " of size " + std::to_string(now.size) + " at " + hex(addr) + " by thread T" +
                std::to_string(now.thread) + where(now.site) + now.note;
  w.prior_event = "Previous " + kind(prior) + " of size " + std::to_string(prior.size) + " by thread T" +
                  std::to_string(prior.thread) + where(prior.site) + prior.note;
  w.object_address = addr;
  w.object = std::string(now.site ? "annotated memory (" : "memory (") + std::to_string(now.size) + " bytes)";
  w.missing_edge = "no happens-before between the " + kind(prior) + " by thread T" + std::to_string(prior.thread) +
                   " and the " + kind(now) + " by thread T" + std::to_string(now.thread) +
                   ": protect both with the same lock, or order them (join, condition variable, ...)";
  emit_race(thr, now, prior, std::move(w));
}

void lockset_fork_lock() noexcept;
void lockset_fork_unlock() noexcept;

void shadow_fork_lock() noexcept {
  g_dedup.mtx.lock();
  lockset_fork_lock();
  table().lock_all();
}

void shadow_after_fork_child() noexcept {
  if (g_shadow.built())
    table().for_each_node_in_fork_child([](shadow_cell &c) { c.mtx.unlock(); });
}

void shadow_fork_unlock() noexcept {
  table().unlock_all();
  lockset_fork_unlock();
  g_dedup.mtx.unlock();
}

void shadow_benign_range(std::uintptr_t addr, std::size_t size) noexcept {
  if (size == 0) return;
  spin_guard g(g_benign.mtx);
  if (g_benign.count == benign_ranges::capacity) return;  // more are not remembered
  g_benign.lo[g_benign.count] = addr;
  g_benign.hi[g_benign.count] = addr + size;
  __atomic_store_n(&g_benign.count, g_benign.count + 1, __ATOMIC_RELEASE);
}

void shadow_reset(std::uintptr_t addr, std::size_t size) noexcept {
  if (__atomic_load_n(&g_benign.count, __ATOMIC_ACQUIRE) != 0) {  // a new object there is not benign
    spin_guard g(g_benign.mtx);
    for (std::size_t i = 0; i < g_benign.count;) {
      if (g_benign.lo[i] >= addr && g_benign.hi[i] <= addr + size) {
        const std::size_t last = g_benign.count - 1;
        g_benign.lo[i] = g_benign.lo[last];
        g_benign.hi[i] = g_benign.hi[last];
        __atomic_store_n(&g_benign.count, last, __ATOMIC_RELEASE);
      } else {
        ++i;
      }
    }
  }
  if (!g_shadow.built() || size == 0) return;
  shadow_table &t = table();
  const std::uintptr_t end = addr + size;
  for (std::uintptr_t g = addr & ~std::uintptr_t{7}; g < end; g += 8) {
    if (!t.find(g)) continue;
    const bool whole = g >= addr && g + 8 <= end;
    if (whole) {
      t.remove(g, [](shadow_cell &cell) {
        spin_guard lk(cell.mtx);
        // Under the cell's lock, so that whoever locks it next (through a thread's cell cache or a
        // table lookup that stood on it) sees that it no longer belongs to g.
        cell.addr.store(0, std::memory_order_relaxed);
        clear_cell(cell);
      });
      continue;
    }
    if (shadow_cell *cell = t.find(g)) {
      spin_guard lk(cell->mtx);
      if (cell->addr.load(std::memory_order_relaxed) != g) continue;
      if (cell->uniform) split_cell(*cell);
      for (std::uintptr_t p = (g < addr ? addr : g); p < g + 8 && p < end; ++p) {
        byte_shadow &b = cell->b[p - g];
        free_read_shared(b.rs);
        b = byte_shadow{};
      }
    }
  }
}

std::size_t shadow_cell_count() noexcept {
  return g_shadow.built() ? table().live() : 0;
}

namespace {

// Lock sets (the locks held at an access, for the "locks held" of a race's earlier access) are
// interned in a table of their own, bounded in memory and in work: open addressing over a fixed
// mmap'ed array (only touched pages cost), lock-free lookups, one spinlock for insertions, at most
// `max_probe` slots looked at. When the table is full around a set's hash the set is not recorded
// (`lockset_unknown`): reports then say so instead of listing the locks. Ids are slot + 1.
constexpr unsigned lockset_bits = 18;                 // 262 144 distinct held sets
constexpr std::uint32_t lockset_slots = 1u << lockset_bits;
constexpr unsigned lockset_max_locks = 8;             // kept per set; more are counted, not listed
constexpr unsigned max_probe = 32;
constexpr std::uint32_t lockset_unknown = 0xFFFFFFFFu;
static_assert(lockset_slots < lockset_stale && lockset_unknown != lockset_stale,
              "no interned id is the mark of a held set not interned yet (rtl.hpp)");

struct lockset_entry {
  std::atomic<std::uint64_t> key;  // hash | 1, published (release) after the fields below
  std::uint32_t n;                 // locks held (may exceed lockset_max_locks)
  std::uintptr_t locks[lockset_max_locks];  // address | 1 when held shared
};

struct lockset_table {
  lockset_entry *slots = nullptr;
  spinlock insert_mtx;
  std::atomic<int> state{0};  // 0 not mapped, 1 mapped, 2 mapping failed
};
lockset_table g_locksets;  // zero-initialized static: usable before constructors run

lockset_entry *lockset_array() noexcept {
  const int st = g_locksets.state.load(std::memory_order_acquire);
  if (st == 1) return g_locksets.slots;
  if (st == 2) return nullptr;
  spin_guard g(g_locksets.insert_mtx);
  if (g_locksets.state.load(std::memory_order_relaxed) == 0) {
    g_locksets.slots = static_cast<lockset_entry *>(map_runtime_range(lockset_slots * sizeof(lockset_entry)));
    g_locksets.state.store(g_locksets.slots ? 1 : 2, std::memory_order_release);
  }
  return g_locksets.slots;
}

bool same_set(const lockset_entry &e, const thread_state *thr) noexcept {
  if (e.n != thr->nheld) return false;
  for (std::uint32_t i = 0; i < thr->nheld && i < lockset_max_locks; ++i)
    if (e.locks[i] != (thr->held[i].addr | (thr->held[i].shared ? 1 : 0))) return false;
  return true;
}

std::uint32_t lockset_intern(thread_state *thr, std::uint64_t h) noexcept {
  lockset_entry *slots = lockset_array();
  if (!slots) return lockset_unknown;
  const std::uint32_t home = static_cast<std::uint32_t>(h >> (64 - lockset_bits));
  for (unsigned pass = 0; pass < 2; ++pass) {
    // Pass 0 looks without the lock; pass 1 re-looks under it and claims the first free slot.
    if (pass == 1) g_locksets.insert_mtx.lock();
    for (unsigned p = 0; p < max_probe; ++p) {
      lockset_entry &e = slots[(home + p) & (lockset_slots - 1)];
      const std::uint64_t k = e.key.load(std::memory_order_acquire);
      if (k == 0) {
        if (pass == 0) break;
        e.n = thr->nheld;
        for (std::uint32_t i = 0; i < thr->nheld && i < lockset_max_locks; ++i)
          e.locks[i] = thr->held[i].addr | (thr->held[i].shared ? 1 : 0);
        e.key.store(h, std::memory_order_release);
        g_locksets.insert_mtx.unlock();
        return ((home + p) & (lockset_slots - 1)) + 1;
      }
      if (k == h && same_set(e, thr)) {
        if (pass == 1) g_locksets.insert_mtx.unlock();
        return ((home + p) & (lockset_slots - 1)) + 1;
      }
    }
  }
  g_locksets.insert_mtx.unlock();
  return lockset_unknown;  // the neighbourhood is full: bounded work and memory win
}

}  // namespace

void lockset_fork_lock() noexcept { g_locksets.insert_mtx.lock(); }
void lockset_fork_unlock() noexcept { g_locksets.insert_mtx.unlock(); }

std::uint32_t current_lockset_slow(thread_state *thr) noexcept {
  // Interned lazily, at the first access after the held set changed: lock/unlock pay nothing for it,
  // and a per-thread cache keyed by a hash of the held set skips the table when the same locks are
  // taken again (the common loop: lock, access, unlock).
  // Two-way: a set is looked for in its slot and that slot's partner, so two sets a thread
  // alternates between (e.g. a rwlock held shared, then exclusive) never evict each other.
  if (refresh_lockset_cached(thr)) return thr->lockset;
  const std::uint64_t h = thr->held_hash | 1;
  const unsigned slot = static_cast<unsigned>(h >> 60), other = slot ^ 8;
  thr->lockset = lockset_intern(thr, h);
  thr->lockset_cache_key[other] = thr->lockset_cache_key[slot];  // the previous occupant moves over
  thr->lockset_cache_id[other] = thr->lockset_cache_id[slot];
  thr->lockset_cache_key[slot] = h;
  thr->lockset_cache_id[slot] = thr->lockset;
  return thr->lockset;
}

std::vector<report_lock> lockset_locks(std::uint32_t lockset) {
  std::vector<report_lock> v;
  if (!lockset) return v;
  if (lockset == lockset_unknown || lockset > lockset_slots) {
    report_lock l;
    l.description = "(not recorded: too many distinct sets of held locks)";
    v.push_back(std::move(l));
    return v;
  }
  const lockset_entry &e = g_locksets.slots[lockset - 1];
  for (std::uint32_t i = 0; i < e.n && i < lockset_max_locks; ++i) {
    report_lock l;
    l.address = e.locks[i] & ~std::uintptr_t{1};
    l.description = describe_sync(l.address);
    if (e.locks[i] & 1) l.description += " (shared)";
    v.push_back(std::move(l));
  }
  if (e.n > lockset_max_locks) {
    report_lock l;
    l.description = "(and " + std::to_string(e.n - lockset_max_locks) + " more)";
    v.push_back(std::move(l));
  }
  return v;
}

}  // namespace lockstep::rt
