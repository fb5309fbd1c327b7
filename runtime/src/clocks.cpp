// Out-of-line parts of vector clocks: growth, the copy-on-write chunk verbs and the chunk pool.
#include "clocks.hpp"

#include <cstring>

#include "rtl.hpp"

namespace lockstep::rt {

clock_chunk g_zero_chunk{{1u << 31}, 0, {}};

namespace {

// Chunks are 264 bytes: a pool carves them from 64 KiB blocks of the internal allocator, whose
// power-of-two classes would round each one up to 512.
constexpr std::size_t pool_block = std::size_t{64} << 10;

struct chunk_pool {
  spinlock mtx;
  clock_chunk *free = nullptr;  // linked through the first word of each free chunk
  char *block = nullptr;
  std::size_t left = 0;
  std::atomic<std::size_t> live{0};
};
chunk_pool g_pool;  // zero-initialized static storage (rule 5)

clock_chunk *chunk_alloc() noexcept {
  clock_chunk *k;
  {
    spin_guard g(g_pool.mtx);
    if ((k = g_pool.free) != nullptr) {
      g_pool.free = *reinterpret_cast<clock_chunk **>(k);
    } else {
      if (g_pool.left < sizeof(clock_chunk)) {
        auto *b = static_cast<char *>(internal_alloc(pool_block));
        if (!b) return nullptr;  // the tail of the old block is abandoned (less than one chunk)
        g_pool.block = b;
        g_pool.left = pool_block;
      }
      k = reinterpret_cast<clock_chunk *>(g_pool.block);
      g_pool.block += sizeof(clock_chunk);
      g_pool.left -= sizeof(clock_chunk);
    }
  }
  g_pool.live.fetch_add(1, std::memory_order_relaxed);
  k->refs.store(1, std::memory_order_relaxed);
  return k;
}

void chunk_free(clock_chunk *k) noexcept {
  g_pool.live.fetch_sub(1, std::memory_order_relaxed);
  spin_guard g(g_pool.mtx);
  *reinterpret_cast<clock_chunk **>(k) = g_pool.free;
  g_pool.free = k;
}

inline void ref(clock_chunk *k) noexcept {
  if (k != &g_zero_chunk) k->refs.fetch_add(1, std::memory_order_relaxed);
}

// The last reference frees the chunk. acq_rel: whoever copied out of it before dropping its
// reference is done reading before the last holder writes or frees it.
inline void unref(clock_chunk *k) noexcept {
  if (k != &g_zero_chunk && k->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) chunk_free(k);
}

inline bool is_private(const clock_chunk *k) noexcept {
  return k != &g_zero_chunk && k->refs.load(std::memory_order_acquire) == 1;
}

inline std::uint32_t chunks_for(std::uint32_t n) noexcept {
  return (n + clock_chunk_entries - 1) >> clock_chunk_shift;
}

// Entries of chunk i below a clock size n.
inline std::uint32_t entries_below(std::uint32_t n, std::uint32_t i) noexcept {
  const std::uint32_t base = i << clock_chunk_shift;
  return n - base < clock_chunk_entries ? n - base : clock_chunk_entries;
}

}  // namespace

std::size_t clock_chunks_live() noexcept { return g_pool.live.load(std::memory_order_relaxed); }
void clock_pool_fork_lock() noexcept { g_pool.mtx.lock(); }
void clock_pool_fork_unlock() noexcept { g_pool.mtx.unlock(); }

vector_clock::~vector_clock() {
  const std::uint32_t n = chunks_for(size_);
  for (std::uint32_t i = 0; i < n; ++i) unref(dir_[i]);
  if (dir_ && dir_ != inline_dir_) internal_free(dir_, dir_cap_ * sizeof(clock_chunk *));
}

bool vector_clock::grow(std::uint32_t n) noexcept {
  const std::uint32_t need = chunks_for(n);
  if (need > dir_cap_) {
    std::uint32_t cap = dir_cap_ ? dir_cap_ : 1;
    while (cap < need) cap *= 2;
    constexpr std::uint32_t inline_cap = sizeof inline_dir_ / sizeof inline_dir_[0];
    auto *d = cap <= inline_cap ? inline_dir_ : static_cast<clock_chunk **>(internal_alloc(cap * sizeof(clock_chunk *)));
    if (!d) return false;  // out of memory: keep the smaller clock (fewer happens-before edges seen)
    const std::uint32_t used = chunks_for(size_);
    if (dir_) {
      std::memcpy(d, dir_, used * sizeof(clock_chunk *));
      if (dir_ != inline_dir_) internal_free(dir_, dir_cap_ * sizeof(clock_chunk *));
    }
    for (std::uint32_t i = used; i < cap; ++i) d[i] = &g_zero_chunk;
    dir_ = d;
    dir_cap_ = cap;
  }
  size_ = n;  // entries between the old size and n are zero (no clock writes beyond its size)
  return true;
}

clock_chunk *vector_clock::own_chunk(std::uint32_t i) noexcept {
  clock_chunk *a = dir_[i];
  if (is_private(a)) return a;
  clock_chunk *k = chunk_alloc();
  if (!k) return nullptr;
  std::memcpy(k->c, a->c, sizeof k->c);  // the zero chunk copies as zeros
  unref(a);
  dir_[i] = k;
  return k;
}

std::uint32_t *vector_clock::slot_slow(std::uint32_t tid) noexcept {
  if (tid >= size_ && !grow(tid + 1)) return nullptr;
  clock_chunk *k = own_chunk(tid >> clock_chunk_shift);
  return k ? &k->c[tid & (clock_chunk_entries - 1)] : nullptr;
}

void vector_clock::join_slow(const vector_clock &o) noexcept {
  if (o.size_ > size_ && !grow(o.size_)) {
    // Out of memory: o's chunks hold entries beyond this clock's size and cannot be shared.
    for (std::uint32_t t = 0; t < size_; ++t)
      if (o.get(t) > get(t)) set(t, o.get(t));
    return;
  }
  const std::uint32_t n = o.size_ < size_ ? o.size_ : size_;
  const std::uint32_t chunks = chunks_for(n);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    clock_chunk *a = dir_[i];
    clock_chunk *b = o.dir_[i];
    if (a == b || b == &g_zero_chunk) continue;
    const std::uint32_t lim = entries_below(n, i);
    if (a == &g_zero_chunk) {
      ref(b);
      dir_[i] = b;
      continue;
    }
    if (is_private(a)) {  // the common case of few threads: in place, no allocation
      for (std::uint32_t j = 0; j < lim; ++j)
        if (b->c[j] > a->c[j]) a->c[j] = b->c[j];
      continue;
    }
    // a is shared: take b's chunk when it covers a, keep a when a covers b, merge into a copy
    // otherwise. Compared over this clock's whole range (a may have entries beyond o's size).
    bool a_le_b = true, b_le_a = true;
    const std::uint32_t all = entries_below(size_, i);
    for (std::uint32_t j = 0; j < all; ++j) {
      if (a->c[j] > b->c[j]) a_le_b = false;
      else if (a->c[j] < b->c[j]) b_le_a = false;
    }
    if (b_le_a) continue;
    if (a_le_b) {
      ref(b);
      dir_[i] = b;
      unref(a);
      continue;
    }
    clock_chunk *k = own_chunk(i);
    if (!k) continue;  // out of memory: this chunk's edges are lost
    for (std::uint32_t j = 0; j < lim; ++j)
      if (b->c[j] > k->c[j]) k->c[j] = b->c[j];
  }
}

bool vector_clock::join_in_place(const vector_clock &o) noexcept {
  forget_release();
  // The chunks o's entries would raise: each must be one of ours already, and private; beyond the
  // directory's capacity o must hold only zeros.
  const std::uint32_t chunks = chunks_for(o.size_), held = chunks_for(size_);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    const clock_chunk *a = i < held ? dir_[i] : &g_zero_chunk;
    const clock_chunk *b = o.dir_[i];
    if (a == b || b == &g_zero_chunk || is_private(a)) continue;
    const std::uint32_t lim = entries_below(o.size_, i);
    for (std::uint32_t j = 0; j < lim; ++j)
      if (b->c[j] > a->c[j]) return false;
  }
  for (std::uint32_t i = 0; i < chunks && i < held; ++i) {
    clock_chunk *a = dir_[i];
    const clock_chunk *b = o.dir_[i];
    if (a == b || b == &g_zero_chunk || !is_private(a)) continue;
    const std::uint32_t lim = entries_below(o.size_, i);
    for (std::uint32_t j = 0; j < lim; ++j)
      if (b->c[j] > a->c[j]) a->c[j] = b->c[j];
  }
  // Entries of a private chunk beyond the size are zero until written; o's were written above.
  const std::uint32_t room = held << clock_chunk_shift;
  const std::uint32_t n = o.size_ < room ? o.size_ : room;
  if (n > size_) size_ = n;
  return true;
}

void vector_clock::assign_slow(const vector_clock &o) noexcept {
  if (o.size_ > size_ && !grow(o.size_)) {
    for (std::uint32_t t = 0; t < size_; ++t) set(t, o.get(t));  // out of memory, as in join
    return;
  }
  const std::uint32_t chunks = chunks_for(size_), from_o = chunks_for(o.size_);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    clock_chunk *a = dir_[i];
    clock_chunk *b = i < from_o ? o.dir_[i] : &g_zero_chunk;
    if (a == b) continue;
    if (b != &g_zero_chunk && is_private(a)) {  // in place, no allocation
      const std::uint32_t lim = entries_below(size_, i);
      for (std::uint32_t j = 0; j < lim; ++j) a->c[j] = b->c[j];
      continue;
    }
    ref(b);
    dir_[i] = b;
    unref(a);
  }
}

bool vector_clock::leq(const vector_clock &o) const noexcept {
  const std::uint32_t chunks = chunks_for(size_), in_o = chunks_for(o.size_);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    const clock_chunk *a = dir_[i];
    const clock_chunk *b = i < in_o ? o.dir_[i] : &g_zero_chunk;
    if (a == b) continue;
    const std::uint32_t lim = entries_below(size_, i);
    for (std::uint32_t j = 0; j < lim; ++j)
      if (a->c[j] > b->c[j]) return false;
  }
  return true;
}

void vector_clock::reset() noexcept {
  forget_release();
  const std::uint32_t chunks = chunks_for(size_);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    unref(dir_[i]);
    dir_[i] = &g_zero_chunk;
  }
}

}  // namespace lockstep::rt
