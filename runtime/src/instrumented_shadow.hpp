// The shadow memory of instrumented code: every access of a program built with -fsanitize=thread
// comes here, so it has to be cheap in time and memory (the annotation shadow, shadow.cpp, costs
// about 1 KB and 300 ns per granule and access, which is right for a few annotated variables only).
//
// Layout. Direct-mapped: each 8-byte granule of application memory has 4 slots of 4 bytes (16 bytes)
// at a fixed place. The address space (47 bits) is cut into regions of 1 MiB; a table of one pointer
// per region (1 GiB of address space, reserved, touched only where used) leads to the region's
// shadow block (2 MiB, mapped when the region is first accessed, with pages only where touched).
// So the lookup is two loads, and memory is 2 bytes per byte of memory accessed (as ThreadSanitizer's).
// The granule's size is one constant (granule_shift); 16-byte granules, tried, halve the memory but
// crowd the slots (see RESULTS.md, sixth session).
//
// A slot is one earlier access, packed in 32 bits: the bytes of the granule it touched (a mask), read
// or write, plain or atomic, and the thread and its epoch as a shadow id and an epoch relative to the
// id's base (rtl.hpp, before note_own_clock: a thread takes a new id every 16383 epochs, and the
// shadow is emptied when the ids run out). Slots are read and written with
// relaxed atomic operations and no lock: two threads updating one granule at the same instant may
// lose one of their updates (a missed race at worst), but a slot always holds an access that really
// happened, with its real epoch, so a report is never invented.
//
// The rule per access (FastTrack's, with the slots as its state):
//  - an earlier access by another thread that the current one does not cover (epoch beyond the
//    thread's clock), on a common byte, where one of the two writes and not both are atomic: a race;
//  - an earlier access that happens before this one and that this one subsumes (its bytes are a
//    subset, it was a read or this is a write, it was atomic or this is plain) is replaced: every
//    later access that would race with it races with this one too;
//  - the same access in the same epoch (or a stronger one) is already there: nothing to do;
//  - an access of the same thread, epoch and kind to other bytes of the granule takes this one's bytes
//    too (one slot for a loop over the bytes of a granule: either races with what the other would);
//  - otherwise the access takes an empty slot, else one that happens before it, else a
//    pseudo-random one (an eviction: the only way a race is missed with up to 3 threads per granule).
//
// What a report needs about the earlier access beyond the slot (stack, locks, thread) is restored
// from that thread's trace (trace.hpp).
//
// Read-only mappings. A page the program mapped readable and not writable (mmap without PROT_WRITE:
// leveldb reads its table files in place) can only be read while so mapped, and reads never race
// with reads: its accesses are neither traced nor recorded. Its shadow must not cost memory either,
// yet the inline path reads a granule's slots before it can know, and a read of untouched memory
// costs a page on some kernels (this project's machines: no shared zero page). So a region the
// mapping covers whole points to one shared block of empty slots, never written (its own block, if
// it had one, is parked until the region is writable again); a region covered in part keeps its
// block, whose header page (before it) has a bit per page. munmap, a fixed mmap over it, mprotect
// with PROT_WRITE and mremap unmark (interpose.cpp). Unseen changes of protection (a raw
// system call) can only hide a race, never invent one.
#pragma once

#include <emmintrin.h>

#include <atomic>
#include <cstdint>

#include "rtl.hpp"
#include "trace.hpp"

namespace lockstep::rt {
namespace ishadow {

constexpr unsigned address_bits = 47;
constexpr unsigned region_shift = 20;
constexpr std::size_t region_count = std::size_t{1} << (address_bits - region_shift);
constexpr unsigned granule_shift = 3;
constexpr std::uintptr_t granule_bytes = std::uintptr_t{1} << granule_shift;
constexpr std::uintptr_t granule_offset_mask = granule_bytes - 1;
constexpr std::size_t granules_per_region = std::size_t{1} << (region_shift - granule_shift);
constexpr unsigned slots_per_granule = 4;

using slot_word = std::uint32_t;
struct granule_shadow {
  std::atomic<slot_word> slot[slots_per_granule];
};
constexpr std::size_t region_bytes = granules_per_region * sizeof(granule_shadow);

// The page before each region's block: one bit per 4 KiB page of the region mapped read-only.
constexpr unsigned page_shift = 12;
constexpr std::size_t pages_per_region = std::size_t{1} << (region_shift - page_shift);
struct region_header {
  std::atomic<std::uint64_t> readonly_pages[pages_per_region / 64];
  granule_shadow *next_block;  // every block made, a list from g_shadow_ids.blocks (a reset empties them)
};
constexpr std::size_t region_header_bytes = std::size_t{1} << page_shift;
static_assert(sizeof(region_header) <= region_header_bytes, "the header fits its page");
inline region_header &header_of(granule_shadow *block) noexcept {
  return *reinterpret_cast<region_header *>(reinterpret_cast<char *>(block) - region_header_bytes);
}

// The slot encoding: 0-7 byte mask (one bit per byte of the granule), 8 write, 9 atomic, 10-17 shadow
// id, 18-31 the epoch relative to the id's base (from 1). 0 is empty.
constexpr slot_word slot_bytes = (slot_word{1} << granule_bytes) - 1;
constexpr slot_word slot_write = slot_bytes + 1, slot_atomic = slot_write << 1;
static_assert(shadow_slot_sid_shift == granule_bytes + 2 && shadow_slot_epoch_shift == shadow_slot_sid_shift + 8,
              "the slot's fields");
constexpr slot_word slot_sid_bits = slot_word{0xff} << shadow_slot_sid_shift;
static_assert(shadow_id_count == 256, "ids fit the slot");
inline std::uint32_t slot_sid(slot_word v) noexcept { return (v & slot_sid_bits) >> shadow_slot_sid_shift; }
inline slot_word slot_epoch_bits(slot_word v) noexcept { return v >> shadow_slot_sid_shift; }  // id and epoch

// The thread slot and epoch of the access a slot holds: its id's owner now (see rtl.hpp: right unless a
// reset ran since the slot was read, which the generation tells).
struct slot_owner {
  std::uint32_t tid, epoch;
};
inline slot_owner owner_of(slot_word v) noexcept {
  const std::uint64_t o = g_shadow_ids.owner[slot_sid(v)].load(std::memory_order_acquire);
  return {static_cast<std::uint32_t>(o >> 32), static_cast<std::uint32_t>(o) + (v >> shadow_slot_epoch_shift)};
}
// Whether the access in slot v (not empty) happens before the current thread's (`cur` its slot word):
// the same id, the same thread under an earlier id, or covered by the thread's clock. The clock's
// answer for v's id is remembered as a relative epoch (thread_state::sid_covered): the next slot of
// that id at or below it takes two loads of the thread's own, not the owner's and the clock's four
// dependent ones (a tree that two threads take turns to walk: each read of a field the other wrote).
// The remembered answer's test: valid while the generation it was made in is current (else nothing is
// known), then whether it covers slot v (an empty slot, relative epoch 0, is covered).
inline bool remembered_valid(const thread_state *thr) noexcept {
  return thr->sid_covered_generation == g_shadow_ids.generation.load(std::memory_order_acquire);
}
inline bool remembered_covers(slot_word v, const thread_state *thr) noexcept {
  return (v >> shadow_slot_epoch_shift) <= thr->sid_covered[slot_sid(v)];
}
inline bool ordered_before(slot_word v, slot_word cur, thread_state *thr) noexcept {
  if (((v ^ cur) & slot_sid_bits) == 0) return true;
  const std::uint32_t sid = slot_sid(v), rel = v >> shadow_slot_epoch_shift;
  const std::uint32_t generation = g_shadow_ids.generation.load(std::memory_order_acquire);
  if (__builtin_expect(thr->sid_covered_generation == generation, 1)) {
    if (remembered_covers(v, thr)) return true;
  } else {
    for (auto &c : thr->sid_covered) c = 0;
    thr->sid_covered_generation = generation;
  }
  const std::uint64_t o = g_shadow_ids.owner[sid].load(std::memory_order_acquire);
  const std::uint32_t owner_tid = static_cast<std::uint32_t>(o >> 32), base = static_cast<std::uint32_t>(o);
  std::uint32_t covered = ~std::uint32_t{0};  // the thread's own earlier id: all of it
  if (owner_tid != thr->tid) {
    const std::uint32_t c = thr->clock.get(owner_tid);
    covered = c > base ? c - base : 0;  // (relative epochs start at 1)
  }
  thr->sid_covered[sid] = covered;
  return rel <= covered;
}
// The generation to compare at a report (see rtl.hpp), read before the slots.
inline std::uint32_t shadow_generation() noexcept { return g_shadow_ids.generation.load(std::memory_order_acquire); }

// `newer` may replace `older` (see the rule above), given that `older` happens before it.
inline bool subsumes(slot_word newer, slot_word older) noexcept {
  return (older & ~newer & slot_bytes) == 0 && ((newer & slot_write) || !(older & slot_write)) &&
         (!(newer & slot_atomic) || (older & slot_atomic));
}

struct region_table {
  spinlock mtx;  // read-only whole regions (parking and unparking blocks); never taken by map_region
  std::atomic<std::atomic<granule_shadow *> *> regions{nullptr};
  std::atomic<granule_shadow *> spare{nullptr};  // a block made by map_region and not used (see there)
  std::atomic<bool> any_readonly{false};  // a read-only mapping was ever marked (else no header is read)
  // The shared block of the regions read-only whole: empty slots, every header bit set. Under mtx:
  // the block each such region had before, one pointer per region (mapped with the first).
  std::atomic<granule_shadow *> readonly_block{nullptr};
  granule_shadow **parked = nullptr;
};
extern region_table g_table;
granule_shadow *map_region(std::size_t r) noexcept;  // the shadow block of region r, mapped now; null: no memory
granule_shadow *new_block() noexcept;                 // a region's block and its header; null: no memory

// Whether addr is in a page marked read-only (see above): the shared block's header bits are all set.
inline bool in_readonly_page(std::uintptr_t addr) noexcept {
  if (__builtin_expect(!g_table.any_readonly.load(std::memory_order_relaxed), 1)) return false;
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  granule_shadow *block = regions ? regions[addr >> region_shift].load(std::memory_order_acquire) : nullptr;
  if (!block) return false;
  const std::size_t page = (addr >> page_shift) & (pages_per_region - 1);
  return (header_of(block).readonly_pages[page / 64].load(std::memory_order_relaxed) >> (page % 64)) & 1;
}

// The granule of addr (below 2^47) when its region's shadow is mapped, else null.
__attribute__((always_inline)) inline granule_shadow *mapped_granule(std::uintptr_t addr) noexcept {
  std::atomic<granule_shadow *> *regions = g_table.regions.load(std::memory_order_acquire);
  granule_shadow *block = regions ? regions[addr >> region_shift].load(std::memory_order_acquire) : nullptr;
  return block ? block + ((addr >> granule_shift) & (granules_per_region - 1)) : nullptr;
}
// The same, mapping the region first where needed; null when out of memory.
inline granule_shadow *granule_of(std::uintptr_t addr) noexcept {
  if (granule_shadow *g = mapped_granule(addr)) return g;
  granule_shadow *block = map_region(addr >> region_shift);
  return block ? block + ((addr >> granule_shift) & (granules_per_region - 1)) : nullptr;
}

// Checks and records access `cur` in one granule; returns an earlier access it races with, or 0.
// (`Checked`: the caller found no slot holding it already.) The slot taken is written with a
// compare-exchange against what the check saw in it: if another thread changed that slot meanwhile,
// the check runs again on what is there now, so that no access is overwritten unseen (two threads
// updating one granule at once would otherwise lose one's access, and with it a race).
template <bool Checked = false>
__attribute__((always_inline)) inline slot_word access_granule(granule_shadow &g, slot_word cur,
                                                              thread_state *thr) noexcept {
  slot_word race = 0;
  for (unsigned attempt = 0;; ++attempt) {
    int merge = -1, replace = -1, empty = -1, ordered = -1;
    slot_word seen[slots_per_granule];
    for (unsigned i = 0; i < slots_per_granule; ++i) {
      // (Acquire: the owner of the slot's id, read next, was stored before the slot by its thread.)
      const slot_word v = seen[i] = g.slot[i].load(std::memory_order_acquire);
      // An access this epoch already holds was checked when it was recorded, against what was there
      // then, and whatever came since was checked against it: nothing new to report (as for a hit).
      if (!Checked && v == cur) return 0;  // the same access in this epoch: the loop case
      if (!v) {
        if (empty < 0) empty = static_cast<int>(i);
        continue;
      }
      if (!ordered_before(v, cur, thr)) {  // concurrent
        if ((v & cur & slot_bytes) && ((v | cur) & slot_write) && !(v & cur & slot_atomic) && !race) race = v;
        continue;
      }
      if ((v & ~slot_bytes) == (cur & ~slot_bytes)) {                // same thread, epoch and kind
        if (!Checked && (cur & ~v & slot_bytes) == 0) return 0;       // already covered
        if (merge < 0) merge = static_cast<int>(i);
      } else if (!Checked && slot_epoch_bits(v) == slot_epoch_bits(cur) && subsumes(v, cur)) {
        return 0;  // already covered by a stronger access
      } else if (subsumes(cur, v)) {
        if (replace < 0) replace = static_cast<int>(i);
      } else if (ordered < 0) {
        ordered = static_cast<int>(i);
      }
    }
    const int at = merge >= 0     ? merge
                   : replace >= 0 ? replace
                   : empty >= 0   ? empty
                   : ordered >= 0 ? ordered
                                  : static_cast<int>((cur >> shadow_slot_epoch_shift) % slots_per_granule);
    if (!(cur & slot_sid_bits)) return race;  // a thread without an id: checked, not recorded (rtl.hpp)
    slot_word expected = seen[at];
    const slot_word value = at == merge ? expected | cur : cur;
    // The thread's own earlier access (the common miss: its next epoch at the same place) is rewritten
    // with a plain store: a locked instruction there drained the store buffer on every miss (half the
    // time of a stencil). Another thread takes such a slot only when that access happens before its own
    // or by eviction, and if it does so at this very instant its access is lost unchecked against this
    // one; its next access to the granule finds this one. Any other slot is contended by nature.
    if (expected && ((expected ^ cur) & slot_sid_bits) == 0) {
      g.slot[at].store(value, std::memory_order_relaxed);
      return race;
    }
    // Bounded: under a storm of updates to one granule, the access is recorded unchecked at last.
    if (g.slot[at].compare_exchange_strong(expected, value, std::memory_order_relaxed) || attempt == 3) return race;
  }
}

inline slot_word byte_mask(std::uintptr_t lo, std::uintptr_t hi) noexcept {  // bytes [lo, hi) of a granule
  return ((slot_word{1} << (hi - lo)) - 1) << lo;
}


// What an access is, without who and when: its bytes of the granule, write, atomic (the low bits of
// its slot word). For an entry point the kind is a constant, and for 8 bytes (aligned: a granule
// whole) all of it is: so are the masks below, computed from it.
inline constexpr slot_word access_bits(unsigned size, unsigned offset, bool is_write, bool is_atomic) noexcept {
  return (is_write ? slot_write : 0) | (is_atomic ? slot_atomic : 0) | (((slot_word{1} << size) - 1) << offset);
}
// The bits a slot must share with an access for the granule to hold it already: same thread and
// epoch (the id and epoch bits), these bytes, a write if this is one, plain unless this is atomic.
inline constexpr slot_word hit_mask(slot_word what) noexcept {
  return ~(slot_bytes | slot_write | slot_atomic) | (what & (slot_bytes | slot_write)) | (~what & slot_atomic);
}
// The bits a slot must have clear (after the access's atomic bit is flipped in it) for the access to
// subsume it: no byte outside the access's, no write unless it writes, atomic if it is.
inline constexpr slot_word subsumed_mask(slot_word what) noexcept {
  return (slot_bytes & ~what) | (what & slot_write ? 0 : slot_write) | (what & slot_atomic);
}
// Whether the granule holds access `cur` already; must_match: hit_mask of it (see below).
bool hit_in_granule(const granule_shadow &g, slot_word cur, slot_word must_match) noexcept;
// After no hit: the slots of the thread's own that `cur` may take (see below), a bit per slot, and in
// `others` those of other threads that `cur` could race with (for a read: their writes). what:
// access_bits of it; earlier: earlier_id_bits (the thread's previous id, whose slots are its own too).
unsigned own_slots_in_granule(const granule_shadow &g, slot_word cur, slot_word what, slot_word earlier,
                              unsigned &others) noexcept;
// The id bits of a slot of the thread's previous id (thread_state::prev_sid, held by the thread until
// its next renewal, so never another thread's): its accesses there happen before any of its current
// ones, as its own do. 0 (the id of an empty slot, which no test takes for an access) when it has none,
// or has no current id (its accesses are not recorded).
inline slot_word earlier_id_bits(const thread_state *thr, slot_word cur) noexcept {
  return (cur & slot_sid_bits) ? thr->prev_sid << shadow_slot_sid_shift : 0;
}
// The slot `cur` takes without the rule (see below), when the granule holds no race for it: every
// access in `others` (from own_slots_in_granule) happens before it. Then the first of those that `cur`
// subsumes is replaced (so that the granule becomes the thread's own: the stale accesses of threads
// long gone would otherwise send every later access that subsumes them the general way), else the
// thread's own slot `own` is taken, else an empty slot (in a granule of the thread's own accesses
// alone, the last one, taken as an own slot: see there), else another thread's read that a read
// subsumes and that happens before it, else a slot that another slot of its thread makes redundant,
// else for a read the thread's own earlier read there (own_earlier_read).
// `at` < 0: none, or the granule needs the rule (a race, say).
// Out of the common step (which computes `own` and `others` alone: the stencil's miss is bound by
// its count of instructions). Taken with take_chosen_slot.
struct slot_choice {
  int at;
  slot_word expected;  // what the slot held when chosen (0: empty)
  bool own;            // the thread's own slot (a plain store)
};
slot_choice choose_slot(const granule_shadow &g, slot_word cur, slot_word what, unsigned own, unsigned others,
                        thread_state *thr) noexcept;
// choose_slot's step for an empty slot (see there), on the granule's slots `slots`: at < 0 when none is
// empty. Also remembered_choice's last step, where no other thread's slot is to be replaced and the
// thread has no own slot (a granule another thread filled, read for the first time; a new block).
slot_choice empty_slot(__m128i slots, slot_word cur) noexcept;
// A full granule's last choice before the rule's eviction, for a read `cur` (at < 0 for a write): the
// thread's own earlier read there (its id, the oldest epoch of them) that `cur` does not subsume, taken
// as an own slot. It loses only what that read said about bytes `cur` does not touch (a miss at worst,
// never a report: the slot then says exactly `cur`), where the rule would evict another thread's access.
// The common case: a part of a granule read that the thread read whole in an earlier epoch, the whole
// read again next (leveldb's keys: the length byte, then the key's bytes through memcmp, which join the
// slot again in the same epoch).
slot_choice own_earlier_read(const granule_shadow &g, __m128i slots, slot_word cur) noexcept;
// Whether the thread's remembered answers (thread_state::sid_covered, see ordered_before) show every
// access in the slots `others` ordered before the thread's current one (false: not all, or not known).
bool remembered_ordered(const granule_shadow &g, unsigned others, const thread_state *thr) noexcept;
// Whether the common step may take a slot for an access without choose_slot's look: no slot in `others`
// holds an access that could race with it, or it is a read and the remembered answers order each of
// them before it (remembered_choice's test for a read). The common miss and the range loop ask it.
bool others_allow_own_choice(const granule_shadow &g, unsigned others, bool is_write, const thread_state *thr) noexcept;
// choose_slot's choice, made at a glance where the thread's remembered answers suffice (see there).
slot_choice remembered_choice(const granule_shadow &g, slot_word cur, slot_word what, unsigned own, unsigned others,
                              const thread_state *thr) noexcept;
// Stores `cur` in the chosen slot: the thread's own with a plain store (see take_own_slot), any other
// with a compare-exchange against what was there (as access_granule: another thread's access stored
// there at this instant is not overwritten). False, nothing stored, when that fails, when an empty
// slot's page is read-only (its slots are the shared empty block's, never written; `writable`: known
// not to be), or when `cur` is not to be recorded (a thread without id).
bool take_chosen_slot(granule_shadow &g, slot_choice c, slot_word cur, slot_word what, std::uintptr_t addr,
                      bool writable) noexcept;
// Stores `cur` in the first of the own slots `own` (from own_slots_in_granule, not 0): in place of an
// access it subsumes, or joined with one of the same epoch and kind (the bytes of both; `what`:
// access_bits of cur, a constant at the entry points, where a whole granule needs no join).
void take_own_slot(granule_shadow &g, unsigned own, slot_word cur, slot_word what) noexcept;
// A joined part. A thread's accesses to a granule by parts in one epoch (a loop over the bytes of a
// word: leveldb's crc32c and fixed-width decoding read 4 and 8 bytes one at a time, each a miss in a new
// epoch) take one slot. Where the last part that took its own slot in the common step (note_joined,
// before that store) is in the same granule, epoch and kind as `cur`, and every other slot of the
// granule is as that step found them, `cur` joins that slot at once (the caller traces it, then stores
// v | cur in the slot returned; null: the whole way).
// That step found no other slot that could race with such an access, or (a read) found them all
// ordered before it, which is still so (the clock only grows); an access another thread stored since
// changed a slot. (Within the few instructions between the test and the store, another thread's
// update may be lost or not seen: as in take_own_slot, a missed race at worst.)
std::atomic<slot_word> *joined_slot(granule_shadow &g, slot_word cur, const thread_state *thr, slot_word &v) noexcept;
// Notes that `cur`, a part of granule g, takes own slot `at` in the common step (before the store).
void note_joined(const granule_shadow &g, int at, slot_word cur, thread_state *thr) noexcept;
// An access within one granule that is no hit, out of line (so that a hit saves no registers):
// traced and checked.
void access_miss(thread_state *thr, granule_shadow &g, slot_word cur, std::uintptr_t addr, unsigned size,
                 std::uintptr_t pc) noexcept;
// Reports a race of the access [addr, addr + size) found in `granule` against `prior_slot`, read in
// shadow generation `generation` (shadow_generation(), read before the slots): dropped when the
// generation was a reset's or is no longer current (the slot's id may have changed hands since).
__attribute__((noinline)) void report_race(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write,
                                           bool is_atomic, std::uintptr_t pc, std::uintptr_t granule,
                                           slot_word prior_slot, std::uint32_t generation) noexcept;

}  // namespace ishadow

// The common access (an entry point's inline part, instrumented.cpp): hit_in_granule, else a miss
// out of line that takes the thread's own slot where own_slots_in_granule finds one, else access_miss.
//
// A hit: the granule already holds the access (a slot of the same thread and epoch, on bytes that
// include its own, a write if this is one, plain unless this is atomic). It changes nothing and is
// not traced either, as in ThreadSanitizer: a report restores the first such access of the epoch,
// while the trace holds it.
//
// An own slot: a slot of the thread's own (an access of an earlier epoch, which happens before this
// one) that `cur` subsumes (see the rule above), or one of the same epoch and kind to other bytes
// (the rule's merge: a loop over the bytes of a granule, one byte an access), where the granule's
// other slots are empty, the thread's own, or other threads' reads when `cur` is a read (reads never
// race). No race is possible: the access is traced and stored in that slot with no more checks (a
// plain store, as in access_granule). Where other threads' accesses that could race are there too,
// or the thread has no own slot, choose_slot (out of line; a slot at a time: the only scalar part)
// finds them all ordered before `cur` and picks a slot the rule allows, replacing one of them that
// `cur` subsumes first. The common miss of a loop over memory the thread owns (a new epoch after each
// barrier, say), of reads of data that other threads wrote before (a lookup in a tree built under a
// lock), of filling a new block. A page marked read-only has no slot of its own (never an own slot,
// nothing to replace; take_chosen_slot looks before it takes an empty one).
// A joined part (joined_slot, below): the next part of a granule that the thread's last partial access
// there joined, while the granule's other slots are unchanged since, joins that slot with none of these
// tests.
// Both look at the granule's 4 slots at once, in one 16-byte vector (a granule's shadow is 16 bytes,
// aligned): a lane per slot, each read whole (x86-64 loads an aligned vector's 4-byte lanes atomically;
// the slots are otherwise read and written as the atomics they are). A bit per slot in each mask.
namespace ishadow {
__attribute__((always_inline)) inline __m128i slots_of(const granule_shadow &g) noexcept {
  static_assert(sizeof(granule_shadow) == sizeof(__m128i), "a granule's slots are one vector");
  return _mm_load_si128(reinterpret_cast<const __m128i *>(&g));
}
// The slots whose bits under `mask` equal those of `want`: as lanes of all ones, and as a bit per slot.
__attribute__((always_inline)) inline __m128i lanes_matching(__m128i slots, slot_word want, slot_word mask) noexcept {
  const __m128i differ = _mm_and_si128(_mm_xor_si128(slots, _mm_set1_epi32(static_cast<int>(want))),
                                       _mm_set1_epi32(static_cast<int>(mask)));
  return _mm_cmpeq_epi32(differ, _mm_setzero_si128());
}
__attribute__((always_inline)) inline unsigned slots_matching(__m128i slots, slot_word want, slot_word mask) noexcept {
  return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(lanes_matching(slots, want, mask))));
}
// The lanes of slots that a write by `cur` to the bytes `bytes` needs no order with: empty there, or
// the thread's own (its id).
__attribute__((always_inline)) inline __m128i lanes_needing_no_order(__m128i slots, slot_word cur,
                                                                    slot_word bytes) noexcept {
  return _mm_or_si128(lanes_matching(slots, 0, bytes), lanes_matching(slots, cur, slot_sid_bits));
}
// The slots holding another thread's access (another id than cur's) to any of the bytes `bytes`, a
// bit per slot: those that a write to those bytes has to find ordered before it.
__attribute__((always_inline)) inline unsigned slots_to_order(const granule_shadow &g, slot_word cur,
                                                             slot_word bytes) noexcept {
  return ~static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(lanes_needing_no_order(slots_of(g), cur, bytes)))) &
         0xf;
}
// Empties the slots that touched any of the bytes `bytes` (memory forgotten: freed, unmapped); their
// other bytes are forgotten too (a miss, never a false report).
inline void forget_slots_touching(granule_shadow &g, slot_word bytes) noexcept {
  for (auto &s : g.slot)
    if (s.load(std::memory_order_relaxed) & bytes) s.store(0, std::memory_order_relaxed);
}
}  // namespace ishadow

__attribute__((always_inline)) inline bool ishadow::hit_in_granule(const granule_shadow &g, slot_word cur,
                                                                   slot_word must_match) noexcept {
  return slots_matching(slots_of(g), cur, must_match) != 0;
}

// (checked_range, instrumented_shadow.cpp, has this test written out for a range's granules, whole and end parts.)
__attribute__((always_inline)) inline unsigned ishadow::own_slots_in_granule(const granule_shadow &g, slot_word cur,
                                                                            slot_word what, slot_word earlier,
                                                                            unsigned &others) noexcept {
  const __m128i slots = slots_of(g), zero = _mm_setzero_si128();
  const __m128i empty = _mm_cmpeq_epi32(slots, zero);
  // The thread's id, or its previous one (an empty slot may match that: excluded below).
  const __m128i ids = _mm_and_si128(slots, _mm_set1_epi32(static_cast<int>(slot_sid_bits)));
  const __m128i same_id = _mm_or_si128(_mm_cmpeq_epi32(ids, _mm_set1_epi32(static_cast<int>(cur & slot_sid_bits))),
                                       _mm_cmpeq_epi32(ids, _mm_set1_epi32(static_cast<int>(earlier))));
  // What cannot race with `cur` whoever made it: nothing, or for a read, a read.
  const __m128i harmless =
      what & slot_write ? empty
                       : _mm_cmpeq_epi32(_mm_and_si128(slots, _mm_set1_epi32(static_cast<int>(slot_write))), zero);
  others = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(harmless, same_id)))) ^ 0xf;
  const __m128i subsumed = _mm_cmpeq_epi32(
      _mm_and_si128(_mm_xor_si128(slots, _mm_set1_epi32(static_cast<int>(cur & slot_atomic))),
                    _mm_set1_epi32(static_cast<int>(subsumed_mask(what)))),
      zero);
  __m128i own = _mm_and_si128(same_id, subsumed);
  // Same thread, epoch and kind, to other bytes: only for an access to part of a granule (one to all
  // of it subsumes those). Not empty: a thread without an id, whose accesses are not recorded, has
  // neither id nor epoch bits, and would match an empty slot.
  if ((what & slot_bytes) != slot_bytes)
    own = _mm_or_si128(own, _mm_cmpeq_epi32(_mm_and_si128(_mm_xor_si128(slots, _mm_set1_epi32(static_cast<int>(cur))),
                                                          _mm_set1_epi32(static_cast<int>(~slot_bytes))),
                                            zero));
  return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_andnot_si128(empty, own))));
}

// choose_slot's choice where ordered_before's remembered answers (thread_state::sid_covered) show at
// once that every slot in `others` (from own_slots_in_granule) happens before `cur`: the first of
// them that `cur` subsumes, else the own slot, else an empty one, else for a read in a full granule
// the thread's own earlier read (own_earlier_read; choose_slot's lossless steps before it are skipped
// here: the read of a key's length byte in a new epoch). at < 0 where a slot needs the long look, or
// none of these is there: then choose_slot. A lean loop without choose_slot's frame, for the
// common miss of two threads taking turns with the same data (each reads what the other wrote, under
// many ids, in a new epoch every time; each overwrites what the other wrote before).
__attribute__((always_inline)) inline ishadow::slot_choice ishadow::remembered_choice(const granule_shadow &g,
                                                                                     slot_word cur, slot_word what,
                                                                                     unsigned own, unsigned others,
                                                                                     const thread_state *thr) noexcept {
  if (!(what & slot_write)) {  // a read replaces none of them (they are writes): their order alone
    if (!remembered_ordered(g, others, thr)) return {-1, 0, false};
  } else {  // a write: their order, and the first it subsumes, on the same look at each slot
    if (others && !remembered_valid(thr)) return {-1, 0, false};
    slot_choice replace{-1, 0, false};
    for (; others; others &= others - 1) {
      const int i = __builtin_ctz(others);
      const slot_word v = g.slot[i].load(std::memory_order_acquire);
      if (!remembered_covers(v, thr)) return {-1, 0, false};
      if (replace.at < 0 && v && subsumes(cur, v)) replace = {i, v, false};
    }
    if (replace.at >= 0) return replace;
  }
  if (own) return {__builtin_ctz(own), 0, true};
  const __m128i slots = slots_of(g);
  if (const slot_choice empty = empty_slot(slots, cur); empty.at >= 0) return empty;
  return own_earlier_read(g, slots, cur);
}

__attribute__((always_inline)) inline ishadow::slot_choice ishadow::own_earlier_read(const granule_shadow &g,
                                                                                    __m128i slots,
                                                                                    slot_word cur) noexcept {
  slot_choice oldest{-1, 0, false};
  if ((cur & slot_write) || !(cur & slot_sid_bits)) return oldest;
  for (unsigned mine = slots_matching(slots, cur, slot_sid_bits | slot_write); mine; mine &= mine - 1) {
    const int i = __builtin_ctz(mine);
    const slot_word v = g.slot[i].load(std::memory_order_relaxed);
    if (((v ^ cur) & (slot_sid_bits | slot_write)) == 0 &&
        (oldest.at < 0 || (v >> shadow_slot_epoch_shift) < (oldest.expected >> shadow_slot_epoch_shift)))
      oldest = {i, v, true};
  }
  return oldest;
}

__attribute__((always_inline)) inline bool ishadow::remembered_ordered(const granule_shadow &g, unsigned others,
                                                                      const thread_state *thr) noexcept {
  if (others && !remembered_valid(thr)) return false;
  for (; others; others &= others - 1)
    if (!remembered_covers(g.slot[__builtin_ctz(others)].load(std::memory_order_acquire), thr)) return false;
  return true;
}

__attribute__((always_inline)) inline bool ishadow::others_allow_own_choice(const granule_shadow &g, unsigned others,
                                                                           bool is_write,
                                                                           const thread_state *thr) noexcept {
  return !others || (!is_write && remembered_ordered(g, others, thr));
}

__attribute__((always_inline)) inline ishadow::slot_choice ishadow::empty_slot(__m128i slots, slot_word cur) noexcept {
  const unsigned empty = slots_matching(slots, 0, ~slot_word{0});
  if (!empty) return {-1, 0, false};
  // A granule that holds the thread's own accesses alone, and two empty slots or more: the last
  // empty slot, with a plain store (no locked instruction). Any other thread sees this thread's
  // slots there, so it never takes this path on the granule: it takes the first empty slot (with a
  // compare-exchange), never the same one.
  const unsigned mine = slots_matching(slots, cur, slot_sid_bits) & ~empty;
  const int first = __builtin_ctz(empty), last = 31 - __builtin_clz(empty);
  // (first != last: two empty slots or more. Not `empty & (empty - 1)`, which compilers turn into a
  // population count, a loop of shifts and masks without POPCNT in the baseline instruction set.)
  if (mine && (mine | empty) == 0xf && first != last && (cur & slot_sid_bits)) return {last, 0, true};
  return {first, 0, false};
}

inline ishadow::slot_choice ishadow::choose_slot(const granule_shadow &g, slot_word cur, slot_word what,
                                                 unsigned own, unsigned others, thread_state *thr) noexcept {
  slot_choice replace{-1, 0, false};
  for (; others; others &= others - 1) {
    // Read again, with the acquire that ordered_before needs; whatever is there now must pass.
    const int i = __builtin_ctz(others);
    const slot_word v = g.slot[i].load(std::memory_order_acquire);
    if (!v) continue;
    if (!ordered_before(v, cur, thr)) return {-1, 0, false};
    if (replace.at < 0 && subsumes(cur, v)) replace = {i, v, false};
  }
  if (replace.at >= 0) return replace;
  if (own) return {__builtin_ctz(own), 0, true};
  const __m128i slots = slots_of(g);
  if (const slot_choice empty = empty_slot(slots, cur); empty.at >= 0) return empty;
  // (Flipping cur's atomic bit in the slot makes subsumed_mask's test the whole of subsumes.)
  for (unsigned reads = slots_matching(slots, cur & slot_atomic, subsumed_mask(what)) &
                        ~slots_matching(slots, cur, slot_sid_bits);
       reads; reads &= reads - 1) {
    const int i = __builtin_ctz(reads);
    const slot_word v = g.slot[i].load(std::memory_order_acquire);
    if (v && subsumes(cur, v) && ordered_before(v, cur, thr)) return {i, v, false};
  }
  // A full granule: a slot that another slot of the same id makes redundant (the same thread, an
  // epoch as late or later, an access that subsumes it) says nothing the other does not, and is
  // taken (a thread's reads of a granule by parts and whole, each in its epoch).
  slot_word v[slots_per_granule];
  for (unsigned i = 0; i < slots_per_granule; ++i) v[i] = g.slot[i].load(std::memory_order_relaxed);
  for (unsigned i = 0; i < slots_per_granule; ++i)
    for (unsigned j = 0; j < slots_per_granule; ++j)
      if (j != i && v[i] && ((v[i] ^ v[j]) & slot_sid_bits) == 0 &&
          (v[j] >> shadow_slot_epoch_shift) >= (v[i] >> shadow_slot_epoch_shift) && subsumes(v[j], v[i]))
        return {static_cast<int>(i), v[i], ((v[i] ^ cur) & slot_sid_bits) == 0 && (cur & slot_sid_bits)};
  return own_earlier_read(g, slots, cur);
}

inline bool ishadow::take_chosen_slot(granule_shadow &g, slot_choice c, slot_word cur, slot_word what,
                                      std::uintptr_t addr, bool writable) noexcept {
  if (c.own) {
    take_own_slot(g, 1u << c.at, cur, what);
    return true;
  }
  if (!(cur & slot_sid_bits) || (!writable && !c.expected && in_readonly_page(addr))) return false;
  return g.slot[c.at].compare_exchange_strong(c.expected, cur, std::memory_order_relaxed);
}

__attribute__((always_inline)) inline std::atomic<ishadow::slot_word> *ishadow::joined_slot(granule_shadow &g,
                                                                                           slot_word cur,
                                                                                           const thread_state *thr,
                                                                                           slot_word &v) noexcept {
  if (&g != thr->joined_granule || ((cur ^ thr->joined_key) & ~slot_bytes) != 0) return nullptr;
  const __m128i noted = _mm_load_si128(reinterpret_cast<const __m128i *>(thr->joined_slots));
  const __m128i same = _mm_cmpeq_epi32(slots_of(g), noted);
  std::atomic<slot_word> &slot = g.slot[thr->joined_slot];
  v = slot.load(std::memory_order_relaxed);
  if ((static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(same))) | (1u << thr->joined_slot)) != 0xf ||
      ((v ^ cur) & ~slot_bytes) != 0)
    return nullptr;
  return &slot;
}

__attribute__((always_inline)) inline void ishadow::note_joined(const granule_shadow &g, int at, slot_word cur,
                                                                thread_state *thr) noexcept {
  _mm_store_si128(reinterpret_cast<__m128i *>(thr->joined_slots), slots_of(g));
  thr->joined_granule = const_cast<granule_shadow *>(&g);
  thr->joined_slot = static_cast<std::uint32_t>(at);
  thr->joined_key = cur & ~slot_bytes;
}

__attribute__((always_inline)) inline void ishadow::take_own_slot(granule_shadow &g, unsigned own, slot_word cur,
                                                                  slot_word what) noexcept {
  std::atomic<slot_word> &slot = g.slot[__builtin_ctz(own)];
  if ((what & slot_bytes) == slot_bytes) return slot.store(cur, std::memory_order_relaxed);
  const slot_word old = slot.load(std::memory_order_relaxed);  // (only this thread writes its own slots but by eviction)
  slot.store(((old ^ cur) & ~slot_bytes) == 0 ? old | cur : cur, std::memory_order_relaxed);
}

}  // namespace lockstep::rt
