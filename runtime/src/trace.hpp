// Per-thread traces of instrumented code: what a race report needs about an earlier access (its
// stack, its thread, the locks it held) without storing any of it in the shadow.
//
// The compact shadow (instrumented_shadow.cpp) keeps per access only (thread slot, epoch, bytes,
// kind). Each thread writes every event of its instrumented code into a trace of its own, a ring of
// 8-byte words: function entries and exits (the compilers' __tsan_func_entry/exit), accesses, and
// the moments its epoch or its held locks change. A report replays the earlier thread's trace to find
// an access of that epoch to that byte, and the calls open at that moment are its stack. This is what
// ThreadSanitizer does too, and it is cheaper than a stack walk per access: one or two stores.
//
// The ring is split into parts; each part starts with a header that holds what a replay needs to start
// there (the open calls, the epoch, the held set, the thread's identity). A report can restore an
// access while the part that holds it survives: the last 7 to 8 parts of 8,192 words each, i.e. the
// thread's last 57,000 or more events. Older accesses are reported without their stack.
//
// Only the owner thread writes its trace; reports read other threads' traces while they are written,
// and take a part only if its header says, before and after the copy, that it still holds the same lap
// (a seqlock). A signal handler running instrumented code on the thread writes into the same trace: an
// event it interleaves can make a replay show a wrong stack, never a wrong race.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "rtl.hpp"

namespace lockstep::rt {

constexpr unsigned trace_part_shift = 13;
constexpr std::uint64_t trace_part_words = std::uint64_t{1} << trace_part_shift;
constexpr unsigned trace_parts = 8;
constexpr unsigned trace_call_capacity = 256;  // open calls kept; deeper ones are counted only
constexpr unsigned trace_snapshot_frames = 64;  // innermost open calls a part header keeps
constexpr unsigned trace_occupants = 16;

struct trace_part_header {
  std::atomic<std::uint64_t> lap;  // lap (word position / part words) whose words the part holds; ~0 while rewritten
  std::uint64_t unique_id;         // the thread the words belong to
  std::uint64_t end;               // words of the part in use (fewer when the thread's slot was taken over)
  std::uint32_t clock;             // the thread's epoch at the part's start
  std::uint32_t lockset;           // its held set then
  std::uintptr_t prev_pc;          // the pc compact access events are relative to
  std::uint32_t depth;             // open calls then
  std::uint32_t frames;            // how many of the innermost of them `calls` holds
  std::uintptr_t calls[trace_snapshot_frames];  // call sites, outermost first
};

struct access_trace {
  std::atomic<std::uint64_t> pos;  // words written since the trace was created
  // The owner's view of what the trace last said (new events are written only on change).
  std::uint32_t clock;
  std::uint32_t lockset;
  std::uintptr_t prev_pc;
  std::uint32_t depth;  // open instrumented calls (may exceed trace_call_capacity)
  std::uintptr_t calls[trace_call_capacity];  // their call sites, outermost first
  // The threads that occupied the slot, by the epoch each started at: who made an access the trace
  // no longer holds (the last trace_occupants of them). Written by whoever starts a thread in the
  // slot, one at a time; `occupants` is published after the entry.
  std::atomic<std::uint32_t> occupants;
  std::uint32_t occupant_clock[trace_occupants];
  std::uint64_t occupant_id[trace_occupants];
  trace_part_header parts[trace_parts];
  std::atomic<std::uint64_t> words[trace_parts * trace_part_words];
};

// Event words. The top two bits say what a word is; 0 is no event (padding).
namespace trace_event {
constexpr std::uint64_t addr_mask = (std::uint64_t{1} << 48) - 1;
// An access whose pc is within +-512 bytes of the previous access's: one word.
//   63-62 = 01, 61 write, 60 atomic, 59-58 log2(size), 57-48 pc delta (signed), 47-0 address.
constexpr std::uint64_t compact_access = std::uint64_t{1} << 62;
// Any other access: two words. 63-62 = 10, 61 write, 60 atomic, 47-0 address; then
// 63-48 size (65,535 = that many or more), 47-0 pc.
constexpr std::uint64_t long_access = std::uint64_t{2} << 62;
// 63-62 = 11, 61-58 kind, 47-0 the argument.
constexpr std::uint64_t other = std::uint64_t{3} << 62;
enum kind : std::uint64_t { func_entry = 1, func_exit = 2, epoch = 3, lockset = 4 };
constexpr std::uint64_t make_other(kind k, std::uint64_t arg) noexcept { return other | (std::uint64_t{k} << 58) | (arg & addr_mask); }
constexpr std::uint64_t write_bit = std::uint64_t{1} << 61, atomic_bit = std::uint64_t{1} << 60;
}  // namespace trace_event

// The calling thread's trace, created on first use; null when out of memory.
access_trace *trace_of(thread_state *thr) noexcept;
// The slow half of trace_put: a word that starts a part (a new header first).
void trace_put_slow(access_trace *t, thread_state *thr, std::uint64_t word) noexcept;

// Appends one word to the owner's trace unless it would start a part (which needs a header first,
// trace_put_slow): false then, nothing written.
inline bool trace_try_put(access_trace *t, std::uint64_t word) noexcept {
  const std::uint64_t p = t->pos.load(std::memory_order_relaxed);
  if (__builtin_expect((p & (trace_part_words - 1)) == 0, 0)) return false;
  t->words[p & (trace_parts * trace_part_words - 1)].store(word, std::memory_order_relaxed);
  t->pos.store(p + 1, std::memory_order_release);
  return true;
}

// Appends one word to the owner's trace.
inline void trace_put(access_trace *t, thread_state *thr, std::uint64_t word) noexcept {
  if (__builtin_expect(!trace_try_put(t, word), 0)) trace_put_slow(t, thr, word);
}

// The one-word form of an access of 1, 2, 4 or 8 bytes whose pc is within 512 bytes of the last one.
inline std::uint64_t compact_access_word(std::uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                                         std::intptr_t pc_delta) noexcept {
  using namespace trace_event;
  const std::uint64_t log = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
  return compact_access | (is_write ? write_bit : 0) | (is_atomic ? atomic_bit : 0) | (log << 58) |
         ((static_cast<std::uint64_t>(pc_delta) & 1023) << 48) | (addr & addr_mask);
}

// The (epoch, held set) pair that the trace's newest events stand in, and the thread's own, each read
// as one word: the two fields are adjacent in both structs, in the same order, so that the access path
// compares the pairs at once (a held set that changed is lockset_stale: never equal).
inline std::uint64_t trace_key(const access_trace &t) noexcept {
  static_assert(offsetof(access_trace, lockset) == offsetof(access_trace, clock) + 4, "the pair is one word");
  std::uint64_t k;
  std::memcpy(&k, reinterpret_cast<const unsigned char *>(&t) + offsetof(access_trace, clock), sizeof k);
  return k;
}
inline std::uint64_t trace_key(const thread_state &thr) noexcept {
  static_assert(offsetof(thread_state, lockset) == offsetof(thread_state, own_epoch) + 4, "the pair is one word");
  std::uint64_t k;
  std::memcpy(&k, reinterpret_cast<const unsigned char *>(&thr) + offsetof(thread_state, own_epoch), sizeof k);
  return k;
}

// trace_access's common case alone, small enough to inline into every entry point: an access of 1,
// 2, 4 or 8 bytes in the trace's current epoch and held set (`key`: trace_key of the thread), near the
// last pc, not the first word of a part. False (nothing written) otherwise: the caller then takes
// trace_access. (Never calling out lets the caller's fast path keep everything in scratch registers.)
__attribute__((always_inline)) inline bool trace_simple_access(access_trace *t, std::uint64_t key,
                                                              std::uintptr_t addr, std::size_t size, bool is_write,
                                                              bool is_atomic, std::uintptr_t pc) noexcept {
  const std::intptr_t delta = static_cast<std::intptr_t>(pc - t->prev_pc);
  if ((trace_key(*t) != key) | (static_cast<std::uint64_t>(delta + 512) >= 1024) ||
      !trace_try_put(t, compact_access_word(addr, size, is_write, is_atomic, delta)))
    return false;
  t->prev_pc = pc;
  return true;
}

// Records an access at `pc`, first the epoch and held set where they changed. (Each word goes in
// before the owner's state it changes: a part header written for that word describes the state
// before it.)
__attribute__((always_inline)) inline void trace_access(access_trace *t, thread_state *thr, std::uint32_t clock,
                                                       std::uint32_t lockset,
                         std::uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                         std::uintptr_t pc) noexcept {
  using namespace trace_event;
  if (__builtin_expect(t->clock != clock, 0)) {
    trace_put(t, thr, make_other(trace_event::epoch, clock));
    t->clock = clock;
  }
  if (__builtin_expect(t->lockset != lockset, 0)) {
    trace_put(t, thr, make_other(trace_event::lockset, lockset));
    t->lockset = lockset;
  }
  const std::uint64_t flags = (is_write ? write_bit : 0) | (is_atomic ? atomic_bit : 0);
  const std::intptr_t delta = static_cast<std::intptr_t>(pc - t->prev_pc);
  if (__builtin_expect(delta >= -512 && delta < 512 && size <= 8 && (size & (size - 1)) == 0, 1)) {
    trace_put(t, thr, compact_access_word(addr, size, is_write, is_atomic, delta));
  } else {
    // The two words stay in one part: the last word of a part is left empty rather than split them.
    if (((t->pos.load(std::memory_order_relaxed) + 1) & (trace_part_words - 1)) == 0) trace_put(t, thr, 0);
    trace_put(t, thr, long_access | flags | (addr & addr_mask));
    const std::uint64_t sz = size < 65535 ? size : 65535;
    trace_put(t, thr, (sz << 48) | (pc & addr_mask));
  }
  t->prev_pc = pc;
}

// The open calls a function entry or exit changes, after its event word is in.
inline void trace_note_call(access_trace *t, std::uintptr_t call_site) noexcept {
  if (t->depth < trace_call_capacity) t->calls[t->depth] = call_site;
  ++t->depth;
}
inline void trace_note_return(access_trace *t) noexcept {
  if (t->depth) --t->depth;  // an exit without entry: a longjmp or an exception skipped exits before
}

inline void trace_func_entry(access_trace *t, thread_state *thr, std::uintptr_t call_site) noexcept {
  trace_put(t, thr, trace_event::make_other(trace_event::func_entry, call_site));
  trace_note_call(t, call_site);
}

inline void trace_func_exit(access_trace *t, thread_state *thr) noexcept {
  trace_put(t, thr, trace_event::make_other(trace_event::func_exit, 0));
  trace_note_return(t);
}

// What a replay found about an earlier access.
struct traced_access {
  std::uint64_t thread = 0;  // unique id
  std::uint32_t lockset = 0;
  std::size_t size = 0;
  stack_trace stack;         // innermost first: the access, then the call sites
};
// Looks in a thread slot's trace for an access in epoch `clock` to byte `byte`, of the kind given; the
// latest such access. False when the trace no longer holds it (out.thread is still filled in when
// the trace knows who had the slot at that epoch).
bool trace_restore(const access_trace *t, std::uint32_t clock, std::uintptr_t byte, bool is_write, bool is_atomic,
                   traced_access &out) noexcept;
// The calling thread's open instrumented calls under an access at `pc`, innermost first; an empty
// stack when the thread has no trace or no open call.
stack_trace trace_current_stack(thread_state *thr, std::uintptr_t pc) noexcept;

}  // namespace lockstep::rt
