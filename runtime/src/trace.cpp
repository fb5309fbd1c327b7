// Per-thread traces of instrumented code and their replay (see trace.hpp).
#include "trace.hpp"

#include <cstring>
#include <new>

#include "runtime_memory.hpp"

namespace lockstep::rt {

namespace {

void note_occupant(access_trace &t, const thread_state *thr) noexcept {
  const std::uint32_t n = t.occupants.load(std::memory_order_relaxed);
  t.occupant_clock[n % trace_occupants] = thr->clock.get(thr->tid);
  t.occupant_id[n % trace_occupants] = thr->unique_id;
  t.occupants.store(n + 1, std::memory_order_release);
}

}  // namespace

namespace {

// A new thread takes over its slot's trace: its events go to a part of their own, which starts with no
// open calls (the rest of the current part is not the new thread's).
void take_over(access_trace *t, thread_state *thr) noexcept {
  note_occupant(*t, thr);
  const std::uint64_t p = t->pos.load(std::memory_order_relaxed);
  if (const std::uint64_t used = p & (trace_part_words - 1)) {
    __atomic_store_n(&t->parts[(p >> trace_part_shift) % trace_parts].end, used, __ATOMIC_RELEASE);
    t->pos.store(p - used + trace_part_words, std::memory_order_release);
  }
  t->depth = 0;
  t->clock = 0;
  t->lockset = ~std::uint32_t{0};
  t->prev_pc = 0;
}

}  // namespace

access_trace *trace_of(thread_state *thr) noexcept {
  if (thr->trace) return thr->trace;
  access_trace *t = thr->idle_trace;
  if (t) {
    take_over(t, thr);
  } else {
    // Pages are touched as the trace fills: a thread that made a few accesses costs a few pages.
    void *p = map_runtime_range(sizeof(access_trace));
    if (!p) return nullptr;
    t = new (p) access_trace;  // zeroed memory: every field starts at 0
    t->lockset = ~std::uint32_t{0};  // the first access records the held set
    note_occupant(*t, thr);
  }
  // Published last: reports of other threads find the trace through the slot.
  __atomic_store_n(&thr->trace, t, __ATOMIC_RELEASE);
  __atomic_store_n(&thr->idle_trace, nullptr, __ATOMIC_RELAXED);
  return t;
}

void trace_put_slow(access_trace *t, thread_state *thr, std::uint64_t word) noexcept {
  const std::uint64_t p = t->pos.load(std::memory_order_relaxed);
  const std::uint64_t lap = p >> trace_part_shift;
  trace_part_header &h = t->parts[lap % trace_parts];
  h.lap.store(~std::uint64_t{0}, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  h.unique_id = thr->unique_id;
  __atomic_store_n(&h.end, trace_part_words, __ATOMIC_RELAXED);
  h.clock = t->clock;
  h.lockset = t->lockset;
  h.prev_pc = t->prev_pc;
  h.depth = t->depth;
  const std::uint32_t kept = t->depth < trace_call_capacity ? t->depth : trace_call_capacity;
  h.frames = kept < trace_snapshot_frames ? kept : trace_snapshot_frames;
  for (std::uint32_t i = 0; i < h.frames; ++i) h.calls[i] = t->calls[kept - h.frames + i];
  h.lap.store(lap, std::memory_order_release);
  t->words[p & (trace_parts * trace_part_words - 1)].store(word, std::memory_order_relaxed);
  t->pos.store(p + 1, std::memory_order_release);
}

namespace {

// A replay of one part: the open calls as its events go.
struct replay_state {
  std::uint32_t depth, lo;  // open calls; below `lo` they are unknown
  std::uint32_t clock, lockset;
  std::uintptr_t prev_pc;
  std::uintptr_t calls[trace_call_capacity];
};

void fill_stack(const replay_state &r, std::uintptr_t pc, stack_trace &out) noexcept {
  out.size = 0;
  out.pcs[out.size++] = pc;
  const std::uint32_t top = r.depth < trace_call_capacity ? r.depth : trace_call_capacity;
  for (std::uint32_t i = top; i-- > r.lo && out.size < stack_trace::max_frames;) out.pcs[out.size++] = r.calls[i];
}

// Replays words [0, n) of a part from its header's state; true with `out` filled when an access of
// epoch `clock` to `byte` of the kind asked is among them (the latest one).
bool replay_part(const trace_part_header &h, const std::uint64_t *w, std::uint64_t n, std::uint32_t clock,
                 std::uintptr_t byte, std::uint64_t kind, traced_access &out) noexcept {
  using namespace trace_event;
  replay_state r;
  r.depth = h.depth;
  const std::uint32_t kept = h.depth < trace_call_capacity ? h.depth : trace_call_capacity;
  r.lo = kept - h.frames;
  for (std::uint32_t i = 0; i < h.frames; ++i) r.calls[r.lo + i] = h.calls[i];
  r.clock = h.clock;
  r.lockset = h.lockset;
  r.prev_pc = h.prev_pc;
  bool found = false;
  const std::uint64_t byte48 = byte & addr_mask;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t e = w[i];
    const std::uint64_t type = e & (std::uint64_t{3} << 62);
    if (type == other) {
      const std::uint64_t arg = e & addr_mask;
      switch ((e >> 58) & 15) {
      case func_entry:
        if (r.depth < trace_call_capacity) r.calls[r.depth] = arg;
        ++r.depth;
        break;
      case func_exit:
        if (r.depth) --r.depth;
        if (r.lo > r.depth) r.lo = r.depth;
        break;
      case trace_event::epoch: r.clock = static_cast<std::uint32_t>(arg); break;
      case trace_event::lockset: r.lockset = static_cast<std::uint32_t>(arg); break;
      default: break;
      }
      continue;
    }
    std::uint64_t addr, size;
    std::uintptr_t pc;
    if (type == compact_access) {
      addr = e & addr_mask;
      size = std::uint64_t{1} << ((e >> 58) & 3);
      std::int64_t delta = static_cast<std::int64_t>((e >> 48) & 1023);
      if (delta >= 512) delta -= 1024;
      pc = r.prev_pc + static_cast<std::uintptr_t>(delta);
    } else if (type == long_access) {
      if (i + 1 >= n) break;
      const std::uint64_t second = w[++i];
      addr = e & addr_mask;
      size = second >> 48;
      pc = second & addr_mask;
      if (size == 65535) size = ~std::uint64_t{0} - addr;  // that many or more: up to the end
    } else {
      continue;  // padding
    }
    r.prev_pc = pc;
    if (r.clock == clock && (e & (write_bit | atomic_bit)) == kind && byte48 >= addr && byte48 - addr < size) {
      found = true;
      out.lockset = r.lockset;
      out.size = size;
      out.thread = h.unique_id;
      fill_stack(r, pc, out.stack);
    }
  }
  return found;
}

}  // namespace

bool trace_restore(const access_trace *t, std::uint32_t clock, std::uintptr_t byte, bool is_write, bool is_atomic,
                   traced_access &out) noexcept {
  {  // who it was, even when the access itself is gone
    const std::uint32_t n = t->occupants.load(std::memory_order_acquire);
    for (std::uint32_t i = n > trace_occupants ? n - trace_occupants : 0; i < n; ++i)
      if (t->occupant_clock[i % trace_occupants] <= clock) out.thread = t->occupant_id[i % trace_occupants];
  }
  const std::uint64_t kind = (is_write ? trace_event::write_bit : 0) | (is_atomic ? trace_event::atomic_bit : 0);
  auto *copy = static_cast<std::uint64_t *>(internal_alloc(trace_part_words * sizeof(std::uint64_t)));
  auto *header = static_cast<trace_part_header *>(internal_alloc(sizeof(trace_part_header)));
  bool found = false;
  if (copy && header) {
    const std::uint64_t pos = t->pos.load(std::memory_order_acquire);
    const std::uint64_t newest = pos >> trace_part_shift;
    const std::uint64_t oldest = newest + 1 > trace_parts ? newest + 1 - trace_parts : 0;
    // Newest part first: the first part that holds the access holds its latest occurrence; a part that
    // started before the epoch ends the search (older parts hold older epochs only).
    for (std::uint64_t lap = newest + 1; lap-- > oldest && !found;) {
      const trace_part_header &h = t->parts[lap % trace_parts];
      if (h.lap.load(std::memory_order_acquire) != lap) continue;
      std::memcpy(static_cast<void *>(header), &h, sizeof h);
      std::uint64_t n = lap == newest ? pos - (lap << trace_part_shift) : __atomic_load_n(&h.end, __ATOMIC_ACQUIRE);
      if (n > trace_part_words) n = trace_part_words;
      const std::atomic<std::uint64_t> *w = &t->words[(lap % trace_parts) << trace_part_shift];
      for (std::uint64_t i = 0; i < n; ++i) copy[i] = w[i].load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (h.lap.load(std::memory_order_relaxed) != lap) continue;  // rewritten meanwhile
      if (header->clock > clock) continue;
      found = replay_part(*header, copy, n, clock, byte, kind, out);
      if (header->clock < clock) break;
    }
  }
  if (copy) internal_free(copy, trace_part_words * sizeof(std::uint64_t));
  if (header) internal_free(header, sizeof(trace_part_header));
  return found;
}

stack_trace trace_current_stack(thread_state *thr, std::uintptr_t pc) noexcept {
  stack_trace s;
  const access_trace *t = thr->trace;
  if (!t || t->depth == 0) return s;
  s.pcs[s.size++] = pc;
  const std::uint32_t top = t->depth < trace_call_capacity ? t->depth : trace_call_capacity;
  for (std::uint32_t i = top; i-- > 0 && s.size < stack_trace::max_frames;) s.pcs[s.size++] = t->calls[i];
  return s;
}

}  // namespace lockstep::rt
