// Vector clocks and FastTrack epochs: the happens-before arithmetic of the runtime.
//
// A vector clock maps thread slots to logical times. Its entries live in chunks of 64 slots that
// clocks share copy-on-write: a chunk with one reference is its clock's own and changes in place; a
// shared chunk is never written, the writer copies it first. This keeps memory linear in the number
// of threads where the same knowledge is held by many clocks (issue 8: 10,000 threads that all
// acquired one mutex held 10,000 clocks of 10,000 entries each; now they share the mutex's chunks,
// and each has a directory of 8 bytes per 64 slots plus the few chunks it changed itself).
//
// Who may touch a chunk: a clock is only read or written by whoever has it to itself (its thread,
// or the holder of its sync object's spinlock; a finished thread's clock by its joiner). A chunk
// with one reference is therefore only ever seen through that clock; references are taken and
// dropped atomically, so a shared chunk can be copied from by one clock's owner while another
// drops it.
//
// Hot verbs (`get`, `tick`, `join`, `assign` between clocks of few threads) never allocate once
// their chunks are private: `join` and `assign` write into a private destination chunk in place
// and share a source chunk only where the destination's is the zero chunk or already shared (new
// or grown clocks: the rare path). They touch only as many entries as the largest slot that ever
// contributed: programs with two threads pay for two entries even if thousands ran earlier.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lockstep::rt {

// An epoch is one thread's time: (tid, clock) packed in 64 bits so a shadow cell updates atomically
// under its lock and compares in one instruction. Epoch 0 means "no access yet".
using epoch = std::uint64_t;
constexpr epoch make_epoch(std::uint32_t tid, std::uint32_t clk) noexcept {
  return (static_cast<std::uint64_t>(clk) << 16) | tid;
}
constexpr std::uint32_t epoch_tid(epoch e) noexcept { return static_cast<std::uint32_t>(e & 0xffff); }
constexpr std::uint32_t epoch_clock(epoch e) noexcept { return static_cast<std::uint32_t>(e >> 16); }

constexpr std::uint32_t clock_chunk_shift = 6;
constexpr std::uint32_t clock_chunk_entries = 1u << clock_chunk_shift;

struct clock_chunk {
  std::atomic<std::uint32_t> refs;  // clocks pointing here; 1: private to that clock, writable
  std::uint32_t pad;
  std::uint32_t c[clock_chunk_entries];
};

// All zeros, never written, never counted: what every slot of a clock reads before it has an entry
// of its own (a directory grows without allocating chunks).
extern clock_chunk g_zero_chunk;

// Chunks currently allocated (tests and memory checks).
std::size_t clock_chunks_live() noexcept;
// fork(): the chunk pool's lock, taken before the allocator's (the pool refills from it).
void clock_pool_fork_lock() noexcept;
void clock_pool_fork_unlock() noexcept;

class vector_clock {
public:
  vector_clock() noexcept = default;
  ~vector_clock();
  vector_clock(const vector_clock &) = delete;
  vector_clock &operator=(const vector_clock &) = delete;

  std::uint32_t get(std::uint32_t tid) const noexcept {
    return tid < size_ ? dir_[tid >> clock_chunk_shift]->c[tid & (clock_chunk_entries - 1)] : 0;
  }
  void set(std::uint32_t tid, std::uint32_t v) noexcept {
    forget_release();
    if (std::uint32_t *p = slot(tid)) *p = v;
  }
  // Advances tid's own component: the step after a release, so later events are not covered by it.
  void tick(std::uint32_t tid) noexcept {
    forget_release();
    if (std::uint32_t *p = slot(tid)) ++*p;
  }
  // this = pointwise max(this, o): the core of `acquire` (thread joins the sync clock) and of
  // `release` (sync clock joins the thread's). Inline for clocks of one private chunk (up to 64
  // threads, the lock and unlock of most programs); out of line otherwise.
  void join(const vector_clock &o) noexcept {
    forget_release();
    const std::uint32_t n = o.size_;
    if (n <= size_ && size_ <= clock_chunk_entries) {
      if (n == 0) return;
      clock_chunk *a = dir_[0];
      const clock_chunk *b = o.dir_[0];
      if (a == b) return;
      if (a != &g_zero_chunk && a->refs.load(std::memory_order_acquire) == 1) {
        for (std::uint32_t j = 0; j < n; ++j)
          if (b->c[j] > a->c[j]) a->c[j] = b->c[j];
        return;
      }
    }
    join_slow(o);
  }
  // this = o: `release_store` (an exclusive unlock overwrites what earlier owners left, since the
  // new owner's clock already covers it). Inline like join.
  void assign(const vector_clock &o) noexcept {
    forget_release();
    if (o.size_ != 0 && o.size_ <= size_ && size_ <= clock_chunk_entries) {
      clock_chunk *a = dir_[0];
      const clock_chunk *b = o.dir_[0];
      if (a == b) return;
      if (b != &g_zero_chunk && a != &g_zero_chunk && a->refs.load(std::memory_order_acquire) == 1) {
        for (std::uint32_t j = 0; j < size_; ++j) a->c[j] = b->c[j];  // zeros beyond o's size
        return;
      }
    }
    assign_slow(o);
  }
  // this = pointwise max(this, o) when no chunk or directory of this clock has to be replaced for it
  // (the chunks o's entries raise are this clock's own, and its size grows at most to what its
  // directory already holds); otherwise false, and this clock is unchanged. For a signal handler's
  // acquire, which may interrupt code of the same thread that is reading this clock: entries only
  // grow, and nothing that code may hold a pointer to is freed.
  bool join_in_place(const vector_clock &o) noexcept;
  // True when every component of this is <= the one of o (this happens before or equals o).
  bool leq(const vector_clock &o) const noexcept;
  // An epoch happens before this clock when its thread's component already covers it.
  bool covers(epoch e) const noexcept { return epoch_clock(e) <= get(epoch_tid(e)); }
  // Every component to zero (the chunks are given back; the size stays).
  void reset() noexcept;
  std::uint32_t size() const noexcept { return size_; }

  // What a sync object's clock is, in one word, when that is known: exactly the clock thread `tid` had
  // at the end of its epoch `epoch` (a release that left it so: rtl.hpp). Then any thread whose
  // clock has tid's entry at `epoch` or beyond covers all of this one (under a condition on reused
  // thread slots: rtl.hpp), which a reader can tell without the object's lock or a walk of this
  // clock (an atomic load that acquires what it has seen already). Every change of the clock
  // forgets it first; the releases that know it set it after (under the object's lock, read without).
  struct release_mark {
    std::uint32_t tid, epoch;
  };
  void note_release(std::uint32_t tid, std::uint32_t epoch) noexcept {
    released_.store((std::uint64_t{tid + 1} << 32) | epoch, std::memory_order_relaxed);
  }
  // The mark as a word (0: unknown), to keep and restore around a change that did not happen.
  std::uint64_t release_word() const noexcept { return released_.load(std::memory_order_acquire); }
  void restore_release_word(std::uint64_t w) noexcept { released_.store(w, std::memory_order_relaxed); }
  static bool unpack_release(std::uint64_t w, release_mark &m) noexcept {
    m = {static_cast<std::uint32_t>(w >> 32) - 1, static_cast<std::uint32_t>(w)};
    return w != 0;
  }
  void forget_release() noexcept {
    if (released_.load(std::memory_order_relaxed)) released_.store(0, std::memory_order_relaxed);
  }

private:
  // The writable entry of tid: the clock grows and a shared chunk is copied first (rare). Null when
  // out of memory (the write is lost: fewer happens-before edges seen).
  std::uint32_t *slot(std::uint32_t tid) noexcept {
    if (__builtin_expect(tid < size_, 1)) {
      clock_chunk *k = dir_[tid >> clock_chunk_shift];
      if (__builtin_expect(k != &g_zero_chunk && k->refs.load(std::memory_order_acquire) == 1, 1))
        return &k->c[tid & (clock_chunk_entries - 1)];
    }
    return slot_slow(tid);
  }
  std::uint32_t *slot_slow(std::uint32_t tid) noexcept;
  void join_slow(const vector_clock &o) noexcept;
  void assign_slow(const vector_clock &o) noexcept;
  bool grow(std::uint32_t n) noexcept;              // false when out of memory
  clock_chunk *own_chunk(std::uint32_t i) noexcept;  // chunk i made private (copied if shared); null: no memory
  clock_chunk **dir_ = nullptr;  // one chunk per 64 slots, g_zero_chunk where all are zero
  std::uint32_t size_ = 0;       // slots in use; entries at or beyond it are zero
  std::uint32_t dir_cap_ = 0;    // directory capacity (chunks)
  // The directory of a clock of up to 64 slots (nearly all): in the clock itself, so that reading an
  // entry is one load less, a cache miss less for a sync object's clock (an acquire reads it right after
  // locking the record). A clock never moves (it cannot be copied or moved), so dir_ may point here.
  clock_chunk *inline_dir_[1] = {nullptr};
  std::atomic<std::uint64_t> released_{0};  // see release_mark; 0: unknown
};

}  // namespace lockstep::rt
