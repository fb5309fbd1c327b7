// The shadow memory of instrumented code: the general path, reports and resets (the layout, the rule and
// the inline common path are in instrumented_shadow.hpp).
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "instrumented_shadow.hpp"
#include "runtime_memory.hpp"

namespace lockstep::rt {

namespace ishadow {

region_table g_table;  // zero-initialized static: usable before constructors run

// The shadow block of region r, mapped now if it was not; null when out of address space. Lock-free:
// every access may come here, a signal handler's too, and the thread it interrupted may be in the
// middle of mapping a region itself (a lock here hung such a thread for good: the handler waited for
// the lock its own thread held; signal_storm_during_runtime_work_norace). Two threads that map one
// region at once both make a block; the loser's, never used, is kept for the next region.
__attribute__((noinline)) granule_shadow *map_region(std::size_t r) noexcept {
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  if (!regions) {
    constexpr std::size_t table_bytes = region_count * sizeof(void *);
    auto *made = static_cast<std::atomic<granule_shadow *> *>(map_runtime_range(table_bytes));
    if (!made) return nullptr;
    if (g_table.regions.compare_exchange_strong(regions, made, std::memory_order_acq_rel, std::memory_order_acquire))
      regions = made;
    else
      ::syscall(SYS_munmap, made, table_bytes);  // untouched; `regions` is the winner's
  }
  granule_shadow *block = regions[r].load(std::memory_order_acquire);
  if (block) return block;
  granule_shadow *made = new_block();
  if (!made) return nullptr;
  if (regions[r].compare_exchange_strong(block, made, std::memory_order_acq_rel, std::memory_order_acquire))
    return made;
  // Already on the list a reset empties, so not unmapped: the next new_block takes it (if the one
  // place for a spare is taken, it stays unused: address space, no memory).
  granule_shadow *none = nullptr;
  g_table.spare.compare_exchange_strong(none, made, std::memory_order_release, std::memory_order_relaxed);
  return block;
}

granule_shadow *new_block() noexcept {
  if (granule_shadow *spare = g_table.spare.exchange(nullptr, std::memory_order_acquire)) return spare;
  auto *base = static_cast<char *>(map_runtime_range(region_header_bytes + region_bytes));
  if (!base) return nullptr;
  auto *block = reinterpret_cast<granule_shadow *>(base + region_header_bytes);
  // On the list a reset empties (shadow_ids.cpp), which only ever reads it: pushed with a release,
  // before any thread can reach the block.
  void *head = g_shadow_ids.blocks.load(std::memory_order_relaxed);
  do header_of(block).next_block = static_cast<granule_shadow *>(head);
  while (!g_shadow_ids.blocks.compare_exchange_weak(head, block, std::memory_order_release, std::memory_order_relaxed));
  return block;
}

__attribute__((noinline)) void access_miss(thread_state *thr, granule_shadow &g, slot_word cur, std::uintptr_t addr,
                                           unsigned size, std::uintptr_t pc) noexcept {
  // (A read-only page ended in common_miss.) Read in the shared read-only block, its region writable
  // since: the region's own block.
  const auto shared = reinterpret_cast<std::uintptr_t>(g_table.readonly_block.load(std::memory_order_relaxed));
  if (__builtin_expect(shared != 0, 0) && reinterpret_cast<std::uintptr_t>(&g) - shared < region_bytes)
    return instrumented_access(thr, addr, size, cur & slot_write, cur & slot_atomic, pc);
  access_trace *t = thr->trace;
  if (__builtin_expect(!t, 0)) return instrumented_access(thr, addr, size, cur & slot_write, cur & slot_atomic, pc);
  const bool is_write = cur & slot_write, is_atomic = cur & slot_atomic;
  // The trace first (a report that finds the slot must find the event); mostly one word in the
  // trace's epoch and held set (sizes 1, 2, 4, 8 only come here).
  if (!trace_simple_access(t, trace_key(*thr), addr, size, is_write, is_atomic, pc))
    trace_access(t, thr, thr->own_epoch, access_lockset(thr), addr, size, is_write, is_atomic, pc);
  const std::uint32_t generation = shadow_generation();
  if (const slot_word race = access_granule<true>(g, cur, thr))
    report_race(thr, addr, size, is_write, is_atomic, pc, addr & ~granule_offset_mask, race, generation);
}

}  // namespace ishadow

using namespace ishadow;

namespace {

// The shared block of regions read-only whole (see instrumented_shadow.hpp), made at first use; null
// when out of memory. Under g_table.mtx.
granule_shadow *readonly_block_locked() noexcept {
  granule_shadow *ro = g_table.readonly_block.load(std::memory_order_relaxed);
  if (ro) return ro;
  if (!g_table.parked &&
      !(g_table.parked = static_cast<granule_shadow **>(map_runtime_range(region_count * sizeof(void *)))))
    return nullptr;
  if (!(ro = new_block())) return nullptr;
  for (auto &w : header_of(ro).readonly_pages) w.store(~std::uint64_t{0}, std::memory_order_relaxed);
  g_table.readonly_block.store(ro, std::memory_order_release);
  return ro;
}

// Region r, covered whole by a read-only mapping, takes the shared block; its own is parked, emptied
// (the mapping is fresh memory: no history).
void make_region_readonly(std::size_t r) noexcept {
  if (!map_region(r)) return;  // the table exists from here on
  spin_guard g(g_table.mtx);
  std::atomic<granule_shadow *> &slot = g_table.regions.load(std::memory_order_relaxed)[r];
  granule_shadow *own = slot.load(std::memory_order_relaxed), *ro = readonly_block_locked();
  if (!ro || own == ro) return;
  // The slots only: the header keeps the block's link in the list a reset empties (shadow_ids.cpp;
  // zeroing it lost every block made before this one, whose slots then outlived resets), and its
  // page bits are set again when the block comes back (make_region_own).
  ::syscall(SYS_madvise, own, region_bytes, MADV_DONTNEED);
  g_table.parked[r] = own;
  slot.store(ro, std::memory_order_release);
}

// Region r, if read-only whole, gets its own block back, every page still marked (the caller unmarks
// some). Returns the region's block (null: none, or out of memory).
granule_shadow *make_region_own(std::size_t r) noexcept {
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  if (!regions) return nullptr;
  granule_shadow *block = regions[r].load(std::memory_order_acquire);
  granule_shadow *ro = g_table.readonly_block.load(std::memory_order_relaxed);
  if (!block || block != ro) return block;
  spin_guard g(g_table.mtx);
  block = regions[r].load(std::memory_order_relaxed);
  if (block != ro) return block;
  granule_shadow *own = g_table.parked[r] ? g_table.parked[r] : new_block();
  if (!own) return nullptr;
  g_table.parked[r] = nullptr;
  for (auto &w : header_of(own).readonly_pages) w.store(~std::uint64_t{0}, std::memory_order_relaxed);
  regions[r].store(own, std::memory_order_release);
  return own;
}

// Marks or unmarks the pages [addr, end) meets (end below 2^47) as read-only.
void set_readonly_pages(std::uintptr_t addr, std::uintptr_t end, bool readonly) noexcept {
  constexpr unsigned pages_shift = region_shift - page_shift;
  const std::uintptr_t last = (end + (std::uintptr_t{1} << page_shift) - 1) >> page_shift;
  for (std::uintptr_t p = addr >> page_shift; p < last;) {
    const std::uintptr_t r = p >> pages_shift, region_end = (r + 1) << pages_shift;
    if (readonly && (p & (pages_per_region - 1)) == 0 && region_end <= last) {
      make_region_readonly(r);
      p = region_end;
      continue;
    }
    granule_shadow *block = readonly ? map_region(r) : make_region_own(r);
    if (!block || block == g_table.readonly_block.load(std::memory_order_relaxed)) {
      p = region_end;  // nothing to unmark, or read-only whole already
      continue;
    }
    region_header &h = header_of(block);
    for (; p < region_end && p < last; ++p) {
      const std::size_t page = p & (pages_per_region - 1);
      const std::uint64_t bit = std::uint64_t{1} << (page % 64);
      if (readonly)
        h.readonly_pages[page / 64].fetch_or(bit, std::memory_order_relaxed);
      else if (h.readonly_pages[page / 64].load(std::memory_order_relaxed) & bit)
        h.readonly_pages[page / 64].fetch_and(~bit, std::memory_order_relaxed);
    }
  }
}

// Races already looked at, by (current pc, earlier thread and epoch, kinds): the same code racing again with
// the same earlier epoch (a loop over an array another thread wrote) is nearly always the same pair of places,
// which is reported once anyway, and restoring the earlier stack costs a replay of its trace. So the repeats
// are dropped before the replay. (The price: another place of the same earlier epoch racing with the same
// current pc is not reported.) Direct-mapped, lock-free, lossy: a lost entry only costs a replay.
constexpr unsigned seen_races_size = 4096;
std::atomic<std::uint64_t> g_seen_races[seen_races_size];

bool seen_before(std::uintptr_t pc, slot_word prior_slot, bool is_write, bool is_atomic) noexcept {
  std::uint64_t k = (pc * 0x9E3779B97F4A7C15ull) ^ ((prior_slot & ~slot_bytes) * 0xC2B2AE3D27D4EB4Full) ^
                    (is_write ? 1 : 0) ^ (is_atomic ? 2 : 0);
  k |= 1;
  std::atomic<std::uint64_t> &e = g_seen_races[(k >> 20) % seen_races_size];
  if (e.load(std::memory_order_relaxed) == k) return true;
  e.store(k, std::memory_order_relaxed);
  return false;
}

}  // namespace

void ishadow::report_race(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                          std::uintptr_t pc, std::uintptr_t granule, slot_word prior_slot,
                          std::uint32_t generation) noexcept {
  // The owner read below is the one the race was found with only if no reset ran meanwhile.
  const slot_owner owner_now = owner_of(prior_slot);
  if ((generation & 1) || shadow_generation() != generation) return;
  if (seen_before(pc, prior_slot, is_write, is_atomic)) return;
  rt_scope sc(thr);
  const slot_word common =
      prior_slot & slot_bytes &
      byte_mask(addr > granule ? addr - granule : 0, addr + size < granule + granule_bytes ? addr + size - granule : granule_bytes);
  const std::uintptr_t byte = granule + static_cast<unsigned>(__builtin_ctzll(common | (slot_bytes + 1)));
  try {
    race_side now;
    now.thread = thr->unique_id;
    now.write = is_write;
    now.atomic = is_atomic;
    now.size = size;
    now.pc = pc;
    now.stack = trace_current_stack(thr, pc);
    if (now.stack.size == 0) now.stack = capture_stack(0);
    race_side prior;
    prior.write = prior_slot & slot_write;
    prior.atomic = prior_slot & slot_atomic;
    traced_access before;
    const thread_state *owner = thread_by_tid(owner_now.tid);
    const access_trace *t = nullptr;
    if (owner && !(t = __atomic_load_n(&owner->trace, __ATOMIC_ACQUIRE)))
      t = __atomic_load_n(&owner->idle_trace, __ATOMIC_ACQUIRE);
    if (t && trace_restore(t, owner_now.epoch, byte, prior.write, prior.atomic, before)) {
      prior.size = before.size;
      prior.stack = before.stack;
      prior.pc = before.stack.pcs[0];
      prior.locks = lockset_locks(before.lockset);
    } else {
      prior.size = static_cast<std::size_t>(__builtin_popcountll(prior_slot & slot_bytes));
      prior.locks_known = false;
      prior.note = " (its stack is no longer in the thread's trace)";
    }
    prior.thread = before.thread;
    report_data_race(thr, addr, byte, now, prior);
  } catch (...) {
  }
}



namespace {

// One granule of a range that is no hit and not the common own-slot step of the range loop: a slot
// choose_slot picks (the thread's own beside ordered accesses of others, an empty one: a new block),
// else the rule (access_granule). Returns a race found, or 0. Out of line: the range loop keeps its
// constants in registers.
__attribute__((noinline)) slot_word range_granule(thread_state *thr, granule_shadow &gs, slot_word cur,
                                                  std::uintptr_t granule) noexcept {
  const slot_word what = cur & (slot_bytes | slot_write | slot_atomic);
  unsigned others;
  const unsigned own = own_slots_in_granule(gs, cur, what, earlier_id_bits(thr, cur), others);
  slot_choice c = remembered_choice(gs, cur, what, own, others, thr);  // as ordered_miss (instrumented.cpp)
  if ((c.at >= 0 || (c = choose_slot(gs, cur, what, own, others, thr)).at >= 0) &&
      take_chosen_slot(gs, c, cur, what, granule, true))  // (read-only pages are skipped)
    return 0;
  return access_granule<true>(gs, cur, thr);
}

// The general entry past its leading hits (see instrumented_access): `g`, the first granule that is
// no hit (or the range's first, where its shadow is not mapped or the range is beyond the shadow's
// address space). Out of line: the hits need none of its registers.
__attribute__((noinline)) void checked_range(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write,
                                             bool is_atomic, std::uintptr_t pc, std::uintptr_t g) noexcept {
  // 1, 2, 4 or 8 bytes within one granule (a synchronization object's own memory at every pthread
  // call on it, say): the entry points' steps first, the thread's own slot taken at once
  // (instrumented_shadow.hpp); anything else the general way below.
  if (size <= granule_bytes && ((0x116u >> size) & 1) && (addr & granule_offset_mask) + size <= granule_bytes &&
      addr < (std::uintptr_t{1} << address_bits)) {
    if (granule_shadow *gs = mapped_granule(addr)) {
      const slot_word what = access_bits(static_cast<unsigned>(size), addr & granule_offset_mask, is_write, is_atomic);
      const slot_word cur = what | thr->own_epoch_bits;
      unsigned others;
      const unsigned own = own_slots_in_granule(*gs, cur, what, earlier_id_bits(thr, cur), others);
      access_trace *t = thr->trace;
      // The whole trace step: a synchronization call has usually just changed the epoch or the held
      // set, which the trace records first. (If the chosen slot is lost, the general way below traces
      // the access again: one more event, never one less.)
      // (choose_slot takes the own slot at once where no other thread's slot could race.)
      if (const slot_choice c = t ? choose_slot(*gs, cur, what, own, others, thr) : slot_choice{-1, 0, false};
          c.at >= 0) {
        trace_access(t, thr, thr->own_epoch, access_lockset(thr), addr, size, is_write, is_atomic, pc);
        if (take_chosen_slot(*gs, c, cur, what, addr, false)) return;
      }
    }
  }
  access_trace *t = thr->trace;
  if (__builtin_expect(!t, 0) && !(t = trace_of(thr))) return;
  trace_access(t, thr, thr->own_epoch, access_lockset(thr), addr, size, is_write, is_atomic, pc);
  const std::uintptr_t end = addr + size;
  if (__builtin_expect(end > (std::uintptr_t{1} << address_bits) || end < addr, 0)) return;
  const slot_word kind = (is_write ? slot_write : 0) | (is_atomic ? slot_atomic : 0) | thr->own_epoch_bits;
  // Each granule: the hit and the own-slot step of the entry points (hit_in_granule, own_slots_in_granule)
  // with their masks made once, so that the loop over a copy's granules holds them in registers; the
  // common slot choices (see `step`); anything else in range_granule. (Written out here, a twin of
  // own_slots_in_granule that must change with it: calling a shared form of the test from both places
  // cost 3% on a 128-byte memcpy check and 5% on the std::map benchmark.)
  const slot_word full = kind | slot_bytes;
  const __m128i zero = _mm_setzero_si128(), v_sid = _mm_set1_epi32(static_cast<int>(slot_sid_bits));
  const __m128i v_earlier = _mm_set1_epi32(static_cast<int>(earlier_id_bits(thr, kind)));
  // What cannot race whoever made it: for a write nothing (all bits clear), for a read a read.
  const __m128i v_harm = _mm_set1_epi32(static_cast<int>(is_write ? ~slot_word{0} : slot_write));
  const __m128i v_flip = _mm_set1_epi32(static_cast<int>(kind & slot_atomic));
  const __m128i v_not_bytes = _mm_set1_epi32(static_cast<int>(~slot_bytes));
  const std::uint32_t generation = shadow_generation();
  // The masks of an access `cur` to a granule: itself, hit_mask and subsumed_mask of it, in each lane.
  struct masks {
    slot_word cur;
    __m128i v_cur, v_hit, v_sub;
  };
  auto masks_of = [](slot_word cur) __attribute__((always_inline)) {
    const slot_word what = cur & (slot_bytes | slot_write | slot_atomic);
    return masks{cur, _mm_set1_epi32(static_cast<int>(cur)), _mm_set1_epi32(static_cast<int>(hit_mask(what))),
                 _mm_set1_epi32(static_cast<int>(subsumed_mask(what)))};
  };
  const masks whole = masks_of(full);
  // The step on granule g for access m (part: to part of the granule, a range's end, where a slot of
  // the same thread, epoch and kind to other bytes is its own too, joined). Returns a race, or 0.
  auto step = [&](granule_shadow *gs, std::uintptr_t g, const masks &m, bool part)
                  __attribute__((always_inline)) -> slot_word {
    const __m128i slots = slots_of(*gs), mine = _mm_xor_si128(slots, m.v_cur);
    if (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(mine, m.v_hit), zero))))
      return 0;  // a hit (the loop of a copy over its own buffer)
    const __m128i empty = _mm_cmpeq_epi32(slots, zero);
    const __m128i same_id = _mm_or_si128(_mm_cmpeq_epi32(_mm_and_si128(mine, v_sid), zero),
                                         _mm_cmpeq_epi32(_mm_and_si128(slots, v_sid), v_earlier));
    const __m128i harmless = _mm_cmpeq_epi32(_mm_and_si128(slots, v_harm), zero);
    __m128i own = _mm_and_si128(same_id, _mm_cmpeq_epi32(_mm_and_si128(_mm_xor_si128(slots, v_flip), m.v_sub), zero));
    if (part) own = _mm_or_si128(own, _mm_cmpeq_epi32(_mm_and_si128(mine, v_not_bytes), zero));
    const unsigned own_bits = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_andnot_si128(empty, own))));
    const unsigned others = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(harmless, same_id)))) ^ 0xf;
    // remembered_choice's common choices, without its call: where no other thread's access that could
    // race is there, or (a read) the remembered answers order each before it (data another thread
    // wrote), the thread's own earlier access (a later epoch's copy into its buffer), else an empty
    // slot (new memory: a copy into a block just allocated; the first read of another thread's data).
    // When taking the empty slot fails (another thread took it at this instant) or the thread has no
    // id, and anything else (a write over other threads' accesses, a full granule), range_granule.
    if (others_allow_own_choice(*gs, others, is_write, thr)) {
      const slot_word what = part ? m.cur & (slot_bytes | slot_write | slot_atomic) : slot_bytes;
      if (own_bits) {
        take_own_slot(*gs, own_bits, m.cur, what);
        return 0;
      }
      // (All empty, the common case, on a constant: the compiler makes empty_slot's choice, the first.)
      const slot_choice c = _mm_movemask_ps(_mm_castsi128_ps(empty)) == 0xf ? empty_slot(zero, m.cur)
                                                                             : empty_slot(slots, m.cur);
      if (c.at >= 0 && take_chosen_slot(*gs, c, m.cur, what, g, true)) return 0;
    }
    return range_granule(thr, *gs, m.cur, g);
  };
  bool reported = false;  // one report per access (a range may race on many granules); all of it is recorded
  // Page by page: a page is read-only or not as a whole, and its granules' shadow is contiguous.
  while (g < end) {
    const std::uintptr_t page_end = ((g >> page_shift) + 1) << page_shift, stop = page_end < end ? page_end : end;
    if (in_readonly_page(g)) {
      g = page_end;
      continue;
    }
    granule_shadow *gs = granule_of(g);
    if (!gs) return;
    for (; g < stop; g += granule_bytes, ++gs) {
      const slot_word race =
          __builtin_expect(g >= addr && g + granule_bytes <= end, 1)
              ? step(gs, g, whole, false)
              : step(gs, g,
                     masks_of(kind | byte_mask(g < addr ? addr - g : 0, g + granule_bytes < end ? granule_bytes : end - g)),
                     true);
      if (race && !reported) {
        report_race(thr, addr, size, is_write, is_atomic, pc, g, race, generation);
        reported = true;
      }
    }
  }
}

}  // namespace

void instrumented_access(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                         std::uintptr_t pc) noexcept {
  // The leading granules that hold the access already (a key compared again in the same epoch: every
  // compare of a search reads the searched key) need nothing, and an access that is all such hits is
  // done untraced, as an entry point's hit (its first access of the epoch is in the trace). From the
  // first granule that does not, the access is traced whole and checked (checked_range).
  const std::uintptr_t end = addr + size, first = addr & ~granule_offset_mask;
  if (__builtin_expect(size == 0 || end > (std::uintptr_t{1} << address_bits) || end < addr, 0))
    return checked_range(thr, addr, size, is_write, is_atomic, pc, first);
  const slot_word kind = (is_write ? slot_write : 0) | (is_atomic ? slot_atomic : 0) | thr->own_epoch_bits;
  std::uintptr_t g = first;
  granule_shadow *gs = mapped_granule(g);
  if (!gs) return checked_range(thr, addr, size, is_write, is_atomic, pc, first);
  slot_word bytes = byte_mask(addr - g, end - g < granule_bytes ? end - g : granule_bytes);
  for (;;) {
    const slot_word cur = kind | bytes;
    if (!hit_in_granule(*gs, cur, hit_mask(cur))) return checked_range(thr, addr, size, is_write, is_atomic, pc, g);
    if ((g += granule_bytes) >= end) return;
    bytes = end - g < granule_bytes ? byte_mask(0, end - g) : slot_bytes;
    if (g & ((std::uintptr_t{1} << region_shift) - 1))
      ++gs;
    else if (!(gs = mapped_granule(g)))  // the next region's shadow
      return checked_range(thr, addr, size, is_write, is_atomic, pc, g);
  }
}

bool instrumented_free(thread_state *thr, std::uintptr_t addr, std::size_t size, std::uintptr_t pc) noexcept {
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  const std::uintptr_t end = addr + size;
  if (!regions || size == 0 || end > (std::uintptr_t{1} << address_bits) || end < addr) return false;
  // A large block is only checked here: instrumented_shadow_reset gives its shadow's pages back.
  const bool forget = size < free_forgotten_here_bytes;
  const std::uint32_t generation = shadow_generation();
  const slot_word cur = thr->own_epoch_bits;
  granule_shadow *const readonly = g_table.readonly_block.load(std::memory_order_relaxed);
  bool reported = false;  // one report per free; the rest of the block is still forgotten
  // Any earlier access on the bytes `mask` of granule g conflicts with the free's write (atomic ones
  // too: the free is plain), unless it happens before it: the thread's own (its id) in one vector
  // test (a block freed by the thread that filled it, the common case), the others one at a time.
  // Then forgotten, as instrumented_shadow_reset does: a granule of the block's own whole, in one
  // store; one it shares with a neighbour loses the slots that touched the block's bytes.
  auto check = [&](granule_shadow &gs, std::uintptr_t g, slot_word mask) {
    for (unsigned others = reported ? 0 : slots_to_order(gs, cur, mask); others; others &= others - 1) {
      const slot_word v = gs.slot[__builtin_ctz(others)].load(std::memory_order_acquire);
      if ((v & mask) && !ordered_before(v, cur, thr)) {
        report_race(thr, addr, size, true, false, pc, g, v, generation);
        reported = true;
        break;
      }
    }
  };
  // The granules the block has whole, four at a time: one test that each slot is empty or the
  // thread's own (a lane of `fine` all ones), else each granule the slow way.
  const __m128i zero = _mm_setzero_si128();
  auto fine = [cur](const granule_shadow &gs) { return lanes_needing_no_order(slots_of(gs), cur, slot_bytes); };
  for (std::uintptr_t g = addr & ~granule_offset_mask; g < end;) {
    granule_shadow *block = regions[g >> region_shift].load(std::memory_order_acquire);
    const std::uintptr_t region_end = ((g >> region_shift) + 1) << region_shift, stop = region_end < end ? region_end : end;
    if (!block || block == readonly) {  // nothing in this region was ever accessed, or recorded
      g = region_end;
      continue;
    }
    granule_shadow *gs = block + ((g >> granule_shift) & (granules_per_region - 1));
    if (g < addr) {  // the block's first granule, shared
      const slot_word mask = byte_mask(addr - g, g + granule_bytes < end ? granule_bytes : end - g);
      check(*gs, g, mask);
      if (forget) forget_slots_touching(*gs, mask);
      g += granule_bytes, ++gs;
    }
    for (; g + 4 * granule_bytes <= stop; g += 4 * granule_bytes, gs += 4) {
      if (!reported && _mm_movemask_ps(_mm_castsi128_ps(_mm_and_si128(_mm_and_si128(fine(gs[0]), fine(gs[1])),
                                                                       _mm_and_si128(fine(gs[2]), fine(gs[3]))))) != 0xf)
        for (unsigned k = 0; k < 4; ++k) check(gs[k], g + k * granule_bytes, slot_bytes);
      if (reported && !forget) return false;  // checked: nothing more to do here
      if (forget)
        for (unsigned k = 0; k < 4; ++k) _mm_store_si128(reinterpret_cast<__m128i *>(gs + k), zero);
    }
    for (; g < stop; g += granule_bytes, ++gs) {
      const slot_word mask = byte_mask(0, g + granule_bytes <= end ? granule_bytes : end - g);
      check(*gs, g, mask);
      if (!forget) {
        if (reported) return false;
        continue;
      }
      if (mask == slot_bytes)
        _mm_store_si128(reinterpret_cast<__m128i *>(gs), zero);
      else
        forget_slots_touching(*gs, mask);
    }
  }
  return forget;
}

void instrumented_shadow_reset(std::uintptr_t addr, std::size_t size) noexcept {
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  if (!regions || size == 0 || addr >= (std::uintptr_t{1} << address_bits)) return;
  std::uintptr_t end = addr + size;
  if (end > (std::uintptr_t{1} << address_bits) || end < addr) end = std::uintptr_t{1} << address_bits;
  // A granule the range covers in part loses the slots that touched bytes of the range (new memory has
  // no earlier accesses).
  auto clear_part = [](std::uintptr_t granule, slot_word mask) {
    if (granule_shadow *g = mapped_granule(granule)) forget_slots_touching(*g, mask);
  };
  constexpr std::uintptr_t m = granule_offset_mask;
  const std::uintptr_t lo = (addr + m) & ~m, hi = end & ~m;
  if (addr & m) clear_part(addr & ~m, byte_mask(addr & m, end < lo ? end - (addr & ~m) : granule_bytes));
  if ((end & m) && hi >= lo) clear_part(hi, byte_mask(0, end & m));
  for (std::uintptr_t r = lo >> region_shift; lo < hi && r <= (hi - 1) >> region_shift; ++r) {
    granule_shadow *block = regions[r].load(std::memory_order_acquire);
    if (!block || block == g_table.readonly_block.load(std::memory_order_relaxed)) continue;
    const std::uintptr_t from = lo > (r << region_shift) ? lo : r << region_shift;
    const std::uintptr_t to = hi < ((r + 1) << region_shift) ? hi : (r + 1) << region_shift;
    auto *first = reinterpret_cast<char *>(block + ((from >> granule_shift) & (granules_per_region - 1)));
    const std::size_t bytes = ((to - from) >> granule_shift) * sizeof(granule_shadow);
    // Whole pages of shadow go back to the kernel (they read as zeros again); the edges are cleared.
    constexpr std::uintptr_t page = 4096;
    const auto f = reinterpret_cast<std::uintptr_t>(first);
    const std::uintptr_t plo = (f + page - 1) & ~(page - 1), phi = (f + bytes) & ~(page - 1);
    auto clear = [](std::uintptr_t a, std::uintptr_t b) {
      for (auto *s = reinterpret_cast<std::atomic<std::uint64_t> *>(a); reinterpret_cast<std::uintptr_t>(s) < b; ++s)
        s->store(0, std::memory_order_relaxed);
    };
    if (phi > plo && phi - plo >= 16 * page) {
      clear(f, plo);
      ::syscall(SYS_madvise, plo, phi - plo, MADV_DONTNEED);
      clear(phi, f + bytes);
    } else {
      clear(f, f + bytes);
    }
  }
}

void readonly_marks_fork_lock() noexcept { g_table.mtx.lock(); }
void readonly_marks_fork_unlock() noexcept { g_table.mtx.unlock(); }

void instrumented_mark_readonly(std::uintptr_t addr, std::size_t size, bool readonly) noexcept {
  const std::uintptr_t end = addr + size;
  if (size == 0 || end > (std::uintptr_t{1} << address_bits) || end < addr) return;
  if (readonly)
    g_table.any_readonly.store(true, std::memory_order_relaxed);
  else if (!g_table.any_readonly.load(std::memory_order_relaxed))
    return;
  set_readonly_pages(addr, end, readonly);
}

}  // namespace lockstep::rt
