// The entry points the compilers' thread instrumentation calls (-fsanitize=thread with GCC 12, Clang
// 14 and 16; FACTS.md lists the union), answered by liblockstep instead of ThreadSanitizer's runtime:
// every access, plain or atomic, goes to the instrumented shadow (instrumented_shadow.hpp: the common
// case inline here, a hit costing a few loads), every function boundary to the thread's trace
// (trace.hpp: the stacks of reports), and every atomic operation has its memory-model meaning.
//
// Atomics. Each atomic location that someone released to has a clock (a sync record of kind
// `atomic`). A release store sets it to the storing thread's clock, a release read-modify-write
// joins it (it continues a release sequence), an acquire load or read-modify-write joins it into the
// reading thread. Relaxed operations order nothing by themselves, but fences give them meaning
// (ThreadSanitizer ignores fences, and reports a false race on fence-based publication): a release
// fence keeps a copy of the thread's clock, which its later relaxed stores publish as if they were
// release stores; a relaxed load gathers the location's clock into the thread's pending clock, which
// a later acquire fence joins. seq_cst is acquire and release. The operation itself runs with
// seq_cst order (never weaker than asked), under the location's record lock when the clock moves
// with it, so that the value read and the clock acquired belong together.
//
// The fiber API is in fibers.cpp, the dynamic annotations in dynamic_annotations.cpp.
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "instrumented_shadow.hpp"
#include "rtl.hpp"
#include "trace.hpp"

using namespace lockstep::rt;

namespace {

using a8 = unsigned char;
using a16 = unsigned short;
using a32 = unsigned int;
using a64 = unsigned long long;
using a128 = unsigned __int128;

// The compilers' memory-order encoding (both: the C++ order of memory_order's enumerators).
enum : int { mo_relaxed, mo_consume, mo_acquire, mo_release, mo_acq_rel, mo_seq_cst };
inline bool acquires(int mo) noexcept { return mo == mo_consume || mo == mo_acquire || mo == mo_acq_rel || mo == mo_seq_cst; }
inline bool releases(int mo) noexcept { return mo == mo_release || mo == mo_acq_rel || mo == mo_seq_cst; }

// The calling thread when its accesses are to be checked.
inline thread_state *checked_thread() noexcept {
  thread_state *thr = cur_thread();
  return thr && thr->in_rt == 0 && !thr->ignore_accesses ? thr : nullptr;
}

// Any access: the general path.
__attribute__((noinline)) void access(const volatile void *addr, std::size_t size, bool is_write, std::uintptr_t pc,
                                      bool is_atomic = false) noexcept {
  thread_state *thr = checked_thread();
  if (!thr || (is_write ? thr->ignore_writes : thr->ignore_reads) > 0) return;
  instrumented_access(thr, reinterpret_cast<std::uintptr_t>(addr), size, is_write, is_atomic, pc);
}

// A miss that is not the thread's own slot taken (or whose trace word is not the simple one): read-only
// pages end here, anything else in access_miss.
template <unsigned Size>
__attribute__((noinline)) void other_miss(thread_state *thr, ishadow::granule_shadow &g, ishadow::slot_word cur,
                                          std::uintptr_t addr, std::uintptr_t pc, unsigned own_slots) noexcept {
  if (!own_slots && ishadow::in_readonly_page(addr)) return;  // never recorded, so never a hit: cheaply done here
  return ishadow::access_miss(thr, g, cur, addr, Size, pc);
}

// A miss that other threads' accesses in the granule (`others`: they could race with it) or the lack
// of an own slot (`own`) keep from the common step: the slot choose_slot picks when they all happen
// before this access (see instrumented_shadow.hpp); else access_miss. Out of common_miss, so that
// common_miss needs no frame.
template <bool IsWrite, unsigned Size, bool IsAtomic>
__attribute__((noinline)) void ordered_miss(thread_state *thr, ishadow::granule_shadow &g, ishadow::slot_word cur,
                                            std::uintptr_t addr, std::uintptr_t pc, unsigned own,
                                            unsigned others) noexcept {
  using namespace ishadow;
  // A page mapped read-only has no slot of the thread's own (its accesses are never recorded, as in
  // other_miss), so it is done with here at once (the reads of a file mapped in place: leveldb's
  // tables), and any empty slot chosen below is on a writable page.
  if (!own && in_readonly_page(addr)) return;
  const slot_word what = cur & (slot_bytes | slot_write | slot_atomic);
  slot_choice c = remembered_choice(g, cur, what, own, others, thr);
  if (c.at >= 0 || (c = choose_slot(g, cur, what, own, others, thr)).at >= 0) {
    access_trace *t = thr->trace;
    if (!trace_simple_access(t, trace_key(*thr), addr, Size, IsWrite, IsAtomic, pc))
      trace_access(t, thr, thr->own_epoch, access_lockset(thr), addr, Size, IsWrite, IsAtomic, pc);
    if (take_chosen_slot(g, c, cur, what, addr, true)) return;
    // (The slot lost: the general way traces the access again, one event more, never one less.)
  }
  return other_miss<Size>(thr, g, cur, addr, pc, own);
}

// The common step whose trace word is not the simple one (the first access of an epoch or held set,
// a pc far from the last): the whole trace step, then the own slot as common_miss takes it.
template <bool IsWrite, unsigned Size, bool IsAtomic>
__attribute__((noinline)) void traced_own_miss(thread_state *thr, ishadow::granule_shadow &g, ishadow::slot_word cur,
                                               std::uintptr_t addr, std::uintptr_t pc, unsigned own) noexcept {
  using namespace ishadow;
  trace_access(thr->trace, thr, thr->own_epoch, access_lockset(thr), addr, Size, IsWrite, IsAtomic, pc);
  take_own_slot(g, own, cur, access_bits(Size, Size == granule_bytes ? 0 : addr & granule_offset_mask, IsWrite, IsAtomic));
}

// A miss, out of line and reached by a tail call (so that the hit needs no frame): the thread's own
// slot taken (see instrumented_shadow.hpp: traced, then stored), or else access_miss. Whether the
// thread's accesses are checked at all is asked only here: a hit changes nothing, checked or not.
template <bool IsWrite, unsigned Size, bool IsAtomic>
__attribute__((noinline)) void common_miss(thread_state *thr, ishadow::granule_shadow &g, ishadow::slot_word cur,
                                           std::uintptr_t addr, std::uintptr_t pc) noexcept {
  using namespace ishadow;
  if (__builtin_expect((thr->in_rt | thr->ignore_accesses | (IsWrite ? thr->ignore_writes : thr->ignore_reads)) != 0, 0))
    return;
  access_trace *t = thr->trace;
  // The next part of a granule that the thread's last partial access there joined (joined_slot).
  if constexpr (Size < granule_bytes) {
    slot_word v;
    if (std::atomic<slot_word> *slot = joined_slot(g, cur, thr, v);
        slot && trace_simple_access(t, trace_key(*thr), addr, Size, IsWrite, IsAtomic, pc)) {
      slot->store(v | cur, std::memory_order_relaxed);
      return;
    }
  }
  const slot_word what = access_bits(Size, Size == granule_bytes ? 0 : addr & granule_offset_mask, IsWrite, IsAtomic);
  unsigned others;
  const unsigned own = own_slots_in_granule(g, cur, what, earlier_id_bits(thr, cur), others);
  // (A read with an own slot beside other threads' writes, or the thread's own under an earlier id, that
  // the remembered answers show ordered: ordered_miss's choice, the own slot, made here. A write there
  // may replace one of them instead: ordered_miss.)
  if (__builtin_expect(own && t && others_allow_own_choice(g, others, IsWrite, thr), 1)) {
    if (__builtin_expect(trace_simple_access(t, trace_key(*thr), addr, Size, IsWrite, IsAtomic, pc), 1)) {
      if constexpr (Size < granule_bytes) note_joined(g, __builtin_ctz(own), cur, thr);
      return take_own_slot(g, own, cur, what);
    }
    return traced_own_miss<IsWrite, Size, IsAtomic>(thr, g, cur, addr, pc, own);
  } else if (t) {
    return ordered_miss<IsWrite, Size, IsAtomic>(thr, g, cur, addr, pc, own, others);
  }
  return other_miss<Size>(thr, g, cur, addr, pc, own);
}

// An access of 1 to 8 bytes: a hit inline (see instrumented_shadow.hpp), anything else through a tail
// call, so that the hit needs no frame (and none is made: this file is built without frame pointers).
template <bool IsWrite, unsigned Size, bool IsAtomic = false>
__attribute__((always_inline)) inline void fast_access(const volatile void *a, std::uintptr_t pc) noexcept {
  using namespace ishadow;
  const std::uintptr_t addr = addr_of(a);
  thread_state *thr = cur_thread_if_any();
  // Not within one granule, or beyond the shadow's address space: for 8 bytes, one test of the bits
  // that must be clear.
  constexpr std::uintptr_t beyond = ~((std::uintptr_t{1} << address_bits) - 1);
  const bool general = Size == granule_bytes ? (addr & (beyond | granule_offset_mask)) != 0
                                             : ((addr & granule_offset_mask) + Size > granule_bytes) | ((addr & beyond) != 0);
  if (__builtin_expect(general || !thr, 0)) return access(a, Size, IsWrite, pc, IsAtomic);
  granule_shadow *gs = mapped_granule(addr);
  if (__builtin_expect(!gs, 0)) return access(a, Size, IsWrite, pc, IsAtomic);
  granule_shadow &g = *gs;
  // (An 8-byte access is aligned here: its offset is 0, its bits a constant.)
  const slot_word what = access_bits(Size, Size == granule_bytes ? 0 : addr & granule_offset_mask, IsWrite, IsAtomic);
  const slot_word cur = what | thr->own_epoch_bits;
  if (__builtin_expect(hit_in_granule(g, cur, hit_mask(what)), 1)) return;
  return common_miss<IsWrite, Size, IsAtomic>(thr, g, cur, addr, pc);
}

// An atomic operation's access to its location (a write for anything that may write).
template <class T> inline void atomic_access(const volatile void *a, bool is_write, std::uintptr_t pc) noexcept {
  if constexpr (sizeof(T) <= 8) {
    if (is_write)
      fast_access<true, sizeof(T), true>(a, pc);
    else
      fast_access<false, sizeof(T), true>(a, pc);
  } else {
    access(a, sizeof(T), is_write, pc, true);
  }
}

// What an atomic operation does to happens-before, once its record (if any) is locked.
struct atomic_effect {
  bool load;   // reads the location (an acquire, or gathered for a later acquire fence)
  int mo;
  enum { none, store, rmw } writes;
};

// `release_word`: the record's release mark (clocks.hpp) before the operation, which cleared it if it
// could change the clock (see atomic_op); it is restored when the clock stays as it was.
void apply(thread_state *thr, sync_var *s, const atomic_effect &e, std::uint64_t release_word) noexcept {
  bool covered = covers_release(thr, release_word);  // the thread's clock covers the record's
  if (e.load && !covered) {
    if (acquires(e.mo)) {
      acquire(thr, s->clock);
      covered = thr->ignore_sync_annotated <= 0;
    } else {
      thr->fence_pending.join(s->clock);
    }
  }
  if (e.writes != atomic_effect::none && releases(e.mo)) {
    if (e.writes == atomic_effect::store)
      release_store(thr, s->clock);
    else
      release(thr, s->clock, covered);
  } else if (e.writes != atomic_effect::none && thr->fence_released) {
    // A relaxed write after a release fence publishes the fence.
    if (e.writes == atomic_effect::store)
      s->clock.assign(thr->fence_clock);
    else
      s->clock.join(thr->fence_clock);
  } else if (release_word && !s->clock.release_word()) {
    s->clock.restore_release_word(release_word);
  }
}

constexpr int no_write = -1;

// Runs `op` (the real atomic operation) and then the happens-before effect `effect_of(result)`.
// `write_mo`: the order of the write the operation may make (a store, a read-modify-write, a
// compare-exchange), no_write for a load.
template <class T, class Op, class Effect>
auto atomic_op(const volatile T *addr, int write_mo, std::uintptr_t pc, Op op, Effect effect_of) noexcept {
  // In the shadow too, as an atomic access: a plain access racing with it is reported (two atomic
  // ones never race). A compare-exchange counts as a write whether or not it succeeds.
  atomic_access<T>(addr, write_mo != no_write, pc);
  thread_state *thr = tracked_thread();
  if (!thr || thr->ignore_sync || thr->ignore_sync_annotated > 0) return op();
  const auto a = reinterpret_cast<std::uintptr_t>(addr);
  rt_scope sc(thr);
  // Only a write that publishes a clock (a release, or a relaxed write after a release fence) needs a
  // record; anything else uses one that exists.
  const bool publishes = write_mo != no_write && (releases(write_mo) || thr->fence_released);
  sync_var *&cached = thr->atomic_records[(a >> 3) % thread_state::atomic_record_cache_size];
  sync_var *s = cached;
  if (!s || s->addr.load(std::memory_order_acquire) != a) {  // (a record in use is never moved)
    s = publishes ? sync_get_or_create(a, sync_kind::atomic) : sync_find(a);
    if (s) cached = s;
  }
  if (!s) {
    // Nobody has published here yet. A release that comes between the lookup and the operation is
    // found by a second lookup; its clock (possibly newer than the value read) is then acquired,
    // which can only hide a race, never invent one.
    auto r = op();
    atomic_effect e = effect_of(r);
    if (!e.load || !(s = sync_find(a))) return r;
    spin_guard g(s->mtx);
    e.writes = atomic_effect::none;
    apply(thr, s, e, s->clock.release_word());
    return r;
  }
  if (write_mo == no_write) {
    // A load: the value first, then the record's release mark, without its lock. A publishing write
    // clears the mark before it writes its value (below), so a load that read that value reads the
    // cleared mark or a later one; a mark the thread's clock covers means the load has nothing to
    // take from the record (the common load of a pointer published long ago: a skip list's links),
    // else the clock is taken under the lock, possibly newer than the value read (as above).
    auto r = op();
    if (covers_release(thr, s->clock.release_word())) return r;
    spin_guard g(s->mtx);
    apply(thr, s, effect_of(r), s->clock.release_word());
    return r;
  }
  spin_guard g(s->mtx);
  const std::uint64_t release_word = s->clock.release_word();
  if (publishes) s->clock.forget_release();  // (the operation's seq_cst write orders this before it)
  auto r = op();
  apply(thr, s, effect_of(r), release_word);
  return r;
}

void fence(int mo) noexcept {
  thread_state *thr = tracked_thread();
  if (!thr || thr->ignore_sync || thr->ignore_sync_annotated > 0) return;
  rt_scope sc(thr);  // a signal handler's acquire must not interleave with these clock updates
  if (acquires(mo)) thr->clock.join(thr->fence_pending);
  if (releases(mo)) {
    thr->fence_clock.assign(thr->clock);
    thr->fence_released = true;
    tick_own(thr);
  }
}

template <class T> T load(const volatile T *a, int mo, std::uintptr_t pc) noexcept {
  return atomic_op(
      a, no_write, pc, [&] { return __atomic_load_n(a, __ATOMIC_SEQ_CST); },
      [&](T) { return atomic_effect{true, mo, atomic_effect::none}; });
}
template <class T> void store(volatile T *a, T v, int mo, std::uintptr_t pc) noexcept {
  atomic_op(
      a, mo, pc,
      [&] {
        __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
        return 0;
      },
      [&](int) { return atomic_effect{false, mo, atomic_effect::store}; });
}
#define LOCKSTEP_RMW(name, expr)                                                                            \
  template <class T> T name(volatile T *a, T v, int mo, std::uintptr_t pc) noexcept {                      \
    return atomic_op(                                                                                      \
        a, mo, pc, [&] { return expr; }, [&](T) { return atomic_effect{true, mo, atomic_effect::rmw}; }); \
  }
LOCKSTEP_RMW(exchange, __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_add, __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_sub, __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_and, __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_or, __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_xor, __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST))
LOCKSTEP_RMW(fetch_nand, __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST))
#undef LOCKSTEP_RMW

// Compare-exchange: on success a read-modify-write with order `mo`, on failure a load with `fmo`;
// `expected` gets the value found.
template <class T>
bool compare_exchange(volatile T *a, T *expected, T desired, int mo, int fmo, std::uintptr_t pc) noexcept {
  return atomic_op(
      a, mo, pc,
      [&] { return __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); },
      [&](bool ok) { return ok ? atomic_effect{true, mo, atomic_effect::rmw} : atomic_effect{true, fmo, atomic_effect::none}; });
}

// The uncommon function boundaries (see __tsan_func_entry): a thread seen first, a trace not made yet,
// a word that starts a part of the trace.
__attribute__((noinline)) void func_entry_slow(void *call_site) noexcept {
  thread_state *thr = cur_thread();
  if (!thr) return;
  access_trace *t = thr->trace;
  if (!t && !(t = trace_of(thr))) return;
  trace_func_entry(t, thr, addr_of(call_site));
}
__attribute__((noinline)) void func_exit_slow(thread_state *thr, access_trace *t) noexcept { trace_func_exit(t, thr); }

}  // namespace

extern "C" {

// Called by every instrumented module's constructor; liblockstep starts itself, and from now on
// also checks libc's memory functions and free.
void __tsan_init() { note_instrumented_module(); }
// Function boundaries: the trace keeps the open calls, which are the stacks of reports (no frame
// pointers needed). `call_site` is where the function was called from. Every call of instrumented code
// makes both, so their common case (a thread with a trace, a word that does not start a part) is a
// step without a frame; anything else is a tail call.
void __tsan_func_entry(void *call_site) {
  thread_state *thr = cur_thread_if_any();
  access_trace *t = thr ? thr->trace : nullptr;
  if (__builtin_expect(!t, 0)) return func_entry_slow(call_site);
  const std::uint64_t word = trace_event::make_other(trace_event::func_entry, addr_of(call_site));
  if (__builtin_expect(!trace_try_put(t, word), 0)) return func_entry_slow(call_site);
  trace_note_call(t, addr_of(call_site));
}
void __tsan_func_exit() {
  thread_state *thr = cur_thread_if_any();
  access_trace *t = thr ? thr->trace : nullptr;
  if (__builtin_expect(!t, 0)) return;
  if (__builtin_expect(!trace_try_put(t, trace_event::make_other(trace_event::func_exit, 0)), 0))
    return func_exit_slow(thr, t);
  trace_note_return(t);
}

#define LOCKSTEP_ACCESS(n)                                                                        \
  void __tsan_read##n(void *a) { fast_access<false, n>(a, LOCKSTEP_CALLER_PC); }                       \
  void __tsan_write##n(void *a) { fast_access<true, n>(a, LOCKSTEP_CALLER_PC); }                       \
  void __tsan_volatile_read##n(void *a) { access(a, n, false, LOCKSTEP_CALLER_PC); }                    \
  void __tsan_volatile_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }                    \
  void __tsan_read_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }
LOCKSTEP_ACCESS(1)
LOCKSTEP_ACCESS(2)
LOCKSTEP_ACCESS(4)
LOCKSTEP_ACCESS(8)
#undef LOCKSTEP_ACCESS
#define LOCKSTEP_ACCESS(n)                                                                        \
  void __tsan_read##n(void *a) { access(a, n, false, LOCKSTEP_CALLER_PC); }                             \
  void __tsan_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }                             \
  void __tsan_volatile_read##n(void *a) { access(a, n, false, LOCKSTEP_CALLER_PC); }                    \
  void __tsan_volatile_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }                    \
  void __tsan_read_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }
LOCKSTEP_ACCESS(16)
#undef LOCKSTEP_ACCESS
// ThreadSanitizer's interface for code that passes the pc itself (tools, other languages' runtimes),
// through the same steps as the entry points above (the race oracle test drives those steps this way).
#define LOCKSTEP_ACCESS_PC(n)                                                                   \
  void __tsan_read##n##_pc(void *a, void *pc) { fast_access<false, n>(a, addr_of(pc)); }                \
  void __tsan_write##n##_pc(void *a, void *pc) { fast_access<true, n>(a, addr_of(pc)); }
LOCKSTEP_ACCESS_PC(1)
LOCKSTEP_ACCESS_PC(2)
LOCKSTEP_ACCESS_PC(4)
LOCKSTEP_ACCESS_PC(8)
#undef LOCKSTEP_ACCESS_PC
void __tsan_read16_pc(void *a, void *pc) { access(a, 16, false, addr_of(pc)); }
void __tsan_write16_pc(void *a, void *pc) { access(a, 16, true, addr_of(pc)); }
// An access the compiler could not prove aligned (a fixed-width integer decoded from a byte buffer:
// leveldb's DecodeFixed64) is often aligned, or within one granule all the same: the entry points'
// steps, which send one that spans two granules the general way.
#define LOCKSTEP_UNALIGNED(n)                                                                     \
  void __tsan_unaligned_read##n(void *a) { fast_access<false, n>(a, LOCKSTEP_CALLER_PC); }             \
  void __tsan_unaligned_write##n(void *a) { fast_access<true, n>(a, LOCKSTEP_CALLER_PC); }             \
  void __tsan_unaligned_volatile_read##n(void *a) { access(a, n, false, LOCKSTEP_CALLER_PC); }          \
  void __tsan_unaligned_volatile_write##n(void *a) { access(a, n, true, LOCKSTEP_CALLER_PC); }
LOCKSTEP_UNALIGNED(2)
LOCKSTEP_UNALIGNED(4)
LOCKSTEP_UNALIGNED(8)
#undef LOCKSTEP_UNALIGNED
void __tsan_unaligned_read16(void *a) { access(a, 16, false, LOCKSTEP_CALLER_PC); }
void __tsan_unaligned_write16(void *a) { access(a, 16, true, LOCKSTEP_CALLER_PC); }
void __tsan_unaligned_volatile_read16(void *a) { access(a, 16, false, LOCKSTEP_CALLER_PC); }
void __tsan_unaligned_volatile_write16(void *a) { access(a, 16, true, LOCKSTEP_CALLER_PC); }

void __tsan_read_range(void *a, unsigned long size) {
  if (size) access(a, size, false, LOCKSTEP_CALLER_PC);
}
void __tsan_write_range(void *a, unsigned long size) {
  if (size) access(a, size, true, LOCKSTEP_CALLER_PC);
}
void __tsan_read_range_pc(void *a, unsigned long size, void *pc) {
  if (size) access(a, size, false, addr_of(pc));
}
void __tsan_write_range_pc(void *a, unsigned long size, void *pc) {
  if (size) access(a, size, true, addr_of(pc));
}

// A constructor or destructor setting the object's vtable pointer. Only a change is a write: the
// same value stored again (a base's destructor while another thread still reads through it) is
// what a correct program does on every destruction. Both are 8-byte accesses, checked as
// __tsan_read8/__tsan_write8 check them (a virtual call reads the pointer: leveldb's comparator on
// every key compared).
void __tsan_vptr_update(void **vptr_p, void *new_val) {
  if (*vptr_p != new_val) fast_access<true, sizeof(void *)>(vptr_p, LOCKSTEP_CALLER_PC);
}
void __tsan_vptr_read(void **vptr_p) { fast_access<false, sizeof(void *)>(vptr_p, LOCKSTEP_CALLER_PC); }

// Clang 16 calls these where the program calls memcpy, memmove and memset.
void *__tsan_memcpy(void *dst, const void *src, unsigned long n) { return checked_memcpy(dst, src, n, LOCKSTEP_CALLER_PC); }
void *__tsan_memmove(void *dst, const void *src, unsigned long n) { return checked_memmove(dst, src, n, LOCKSTEP_CALLER_PC); }
void *__tsan_memset(void *dst, int c, unsigned long n) { return checked_memset(dst, c, n, LOCKSTEP_CALLER_PC); }

#define LOCKSTEP_ATOMIC(n)                                                                                      \
  a##n __tsan_atomic##n##_load(const volatile a##n *a, int mo) { return load(a, mo, LOCKSTEP_CALLER_PC); }                         \
  void __tsan_atomic##n##_store(volatile a##n *a, a##n v, int mo) { store(a, v, mo, LOCKSTEP_CALLER_PC); }                         \
  a##n __tsan_atomic##n##_exchange(volatile a##n *a, a##n v, int mo) { return exchange(a, v, mo, LOCKSTEP_CALLER_PC); }            \
  a##n __tsan_atomic##n##_fetch_add(volatile a##n *a, a##n v, int mo) { return fetch_add(a, v, mo, LOCKSTEP_CALLER_PC); }          \
  a##n __tsan_atomic##n##_fetch_sub(volatile a##n *a, a##n v, int mo) { return fetch_sub(a, v, mo, LOCKSTEP_CALLER_PC); }          \
  a##n __tsan_atomic##n##_fetch_and(volatile a##n *a, a##n v, int mo) { return fetch_and(a, v, mo, LOCKSTEP_CALLER_PC); }          \
  a##n __tsan_atomic##n##_fetch_or(volatile a##n *a, a##n v, int mo) { return fetch_or(a, v, mo, LOCKSTEP_CALLER_PC); }            \
  a##n __tsan_atomic##n##_fetch_xor(volatile a##n *a, a##n v, int mo) { return fetch_xor(a, v, mo, LOCKSTEP_CALLER_PC); }          \
  a##n __tsan_atomic##n##_fetch_nand(volatile a##n *a, a##n v, int mo) { return fetch_nand(a, v, mo, LOCKSTEP_CALLER_PC); }        \
  int __tsan_atomic##n##_compare_exchange_strong(volatile a##n *a, a##n *c, a##n v, int mo, int fmo) {         \
    return compare_exchange(a, c, v, mo, fmo, LOCKSTEP_CALLER_PC);                                                                  \
  }                                                                                                             \
  int __tsan_atomic##n##_compare_exchange_weak(volatile a##n *a, a##n *c, a##n v, int mo, int fmo) {           \
    return compare_exchange(a, c, v, mo, fmo, LOCKSTEP_CALLER_PC);                                                                  \
  }                                                                                                             \
  a##n __tsan_atomic##n##_compare_exchange_val(volatile a##n *a, a##n c, a##n v, int mo, int fmo) {            \
    compare_exchange(a, &c, v, mo, fmo, LOCKSTEP_CALLER_PC);                                                                        \
    return c;                                                                                                   \
  }
LOCKSTEP_ATOMIC(8)
LOCKSTEP_ATOMIC(16)
LOCKSTEP_ATOMIC(32)
LOCKSTEP_ATOMIC(64)
LOCKSTEP_ATOMIC(128)
#undef LOCKSTEP_ATOMIC

void __tsan_atomic_thread_fence(int mo) { fence(mo); }
void __tsan_atomic_signal_fence(int) {}  // orders a thread with its own signal handlers: no edge

}  // extern "C"

// An address of this library's own code.
static void access_of_no_one() {}

// Another ThreadSanitizer runtime in the process would take the compiler's calls (whichever
// definition the dynamic linker binds first wins) and interpose the same pthread functions: refuse
// to run rather than report nonsense or nothing. Checked at load, and at the first thread creation,
// which Clang's runtime makes from its own initialization, before any library constructor has run.
void lockstep::rt::refuse_a_second_sanitizer_runtime() noexcept {
  static std::atomic<bool> checked{false};  // a load on every later thread creation, no write
  if (checked.load(std::memory_order_relaxed) || checked.exchange(true, std::memory_order_relaxed)) return;
  // libtsan.so (GCC) exports its report API; Clang links its runtime into the executable, whose
  // entry points then come first in the lookup order.
  const bool libtsan = dlsym(RTLD_DEFAULT, "__tsan_get_current_report") != nullptr;
  // (Compared by module: within this library, &__tsan_read4 would itself resolve to the executable's.)
  bool not_ours = false;
  Dl_info mine, found;
  if (void *entry = dlsym(RTLD_DEFAULT, "__tsan_read4"))
    not_ours = dladdr(reinterpret_cast<void *>(&access_of_no_one), &mine) && dladdr(entry, &found) &&
               found.dli_fbase != mine.dli_fbase;
  if (!libtsan && !not_ours) return;
  static const char msg[] =
      "lockstep: ERROR: ThreadSanitizer's runtime is linked into this program together with liblockstep. "
      "Both answer the compiler's -fsanitize=thread calls and intercept the same pthread functions, so "
      "neither would work. Compile with -fsanitize=thread but link without it (Clang: "
      "-fno-sanitize-link-runtime; CMake: lockstep_instrument(<target>)), and link liblockstep alone.\n";
  (void)!::write(2, msg, sizeof msg - 1);
  ::_exit(2);
}

__attribute__((constructor(102))) static void check_sanitizer_runtime_at_load() { refuse_a_second_sanitizer_runtime(); }
