// A concurrent hash table keyed by address, for sync objects and shadow cells: lock-free lookups,
// striped spin locks for insertion and removal, nodes recycled (never unmapped) so a lookup racing
// with a removal reads valid memory.
//
// Performance: a lookup is one index computation (see index()), one load of the bucket head and
// usually one node compare; no lock and no allocation. The bucket array is a fixed mmap'ed
// reservation, so only the pages of buckets in use cost memory, and chains stay short up to millions
// of live objects.
#pragma once


#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "rtl.hpp"
#include "runtime_memory.hpp"

namespace lockstep::rt {

// Node must have `std::atomic<std::uintptr_t> addr`, `std::atomic<Node*> next`, `Node *free_next` and
// `Node *all_next`, be default constructible, and tolerate being reused for another address.
template <class Node, unsigned BucketBits> class addr_table {
public:
  addr_table() noexcept {
    // Zero pages: null heads.
    buckets_ = static_cast<std::atomic<Node *> *>(map_runtime_range(bucket_count * sizeof(std::atomic<Node *>)));
  }
  addr_table(const addr_table &) = delete;
  addr_table &operator=(const addr_table &) = delete;

  static constexpr std::size_t bucket_count = std::size_t{1} << BucketBits;
  static constexpr std::size_t stripe_count = 4096;

  // Lock-free lookup; the result may be recycled concurrently only if the program destroys an object
  // while using it, so callers re-check `addr` under the node's own lock.
  //
  // A miss is validated: a node the walk stood on may have been removed and reused in another
  // bucket meanwhile, sending the walk down the wrong chain past the live node it looks for. Every
  // removal bumps `removals_` before its node can be reused, so a miss with no removal during the
  // walk is genuine; otherwise the walk is retried, and after a few tries done under the stripe
  // lock (no removal can then change this bucket).
  Node *find(std::uintptr_t addr) noexcept {
    if (!buckets_) return nullptr;
    const std::size_t i = index(addr);
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::uint64_t before = removals_.load(std::memory_order_acquire);
      if (Node *n = walk(i, addr)) return n;
      std::atomic_thread_fence(std::memory_order_acquire);
      if (removals_.load(std::memory_order_relaxed) == before) return nullptr;
    }
    spin_guard g(stripes_[i % stripe_count]);
    return walk(i, addr);
  }

  // Finds or inserts; `fresh` is set when the node was created by this call (rare path).
  template <class Init> Node *get_or_create(std::uintptr_t addr, Init &&init, bool &fresh) noexcept {
    fresh = false;
    if (!buckets_) return nullptr;
    const std::size_t i = index(addr);
    if (Node *n = walk(i, addr)) return n;  // unvalidated: a miss is re-checked under the lock
    spin_guard g(stripes_[i % stripe_count]);
    if (Node *n = walk(i, addr)) return n;
    Node *n = take_node();
    if (!n) return nullptr;
    init(*n);
    // release: a lookup that reads this `next` while standing on the reused node also sees the
    // `removals_` bump that preceded the reuse (see find).
    n->next.store(buckets_[i].load(std::memory_order_relaxed), std::memory_order_release);
    n->addr.store(addr, std::memory_order_release);
    buckets_[i].store(n, std::memory_order_release);  // publishes the initialized node
    live_.fetch_add(1, std::memory_order_relaxed);
    fresh = true;
    return n;
  }

  // Unlinks the node for addr and hands it to `on_remove` (after unlinking) before recycling.
  template <class OnRemove> bool remove(std::uintptr_t addr, OnRemove &&on_remove) noexcept {
    if (!buckets_) return false;
    const std::size_t i = index(addr);
    Node *victim = nullptr;
    {
      spin_guard g(stripes_[i % stripe_count]);
      std::atomic<Node *> *link = &buckets_[i];
      for (Node *n = link->load(std::memory_order_acquire); n; n = n->next.load(std::memory_order_acquire)) {
        if (n->addr.load(std::memory_order_relaxed) == addr) {
          // The victim keeps its `next` so concurrent lookups standing on it continue the chain.
          link->store(n->next.load(std::memory_order_relaxed), std::memory_order_release);
          victim = n;
          break;
        }
        link = &n->next;
      }
      if (!victim) return false;
    }
    // Outside the stripe lock: on_remove may take the node's own lock, and no path may wait for a
    // node lock while holding a stripe (fork's prepare handler holds all stripes).
    on_remove(*victim);
    victim->addr.store(0, std::memory_order_release);
    live_.fetch_sub(1, std::memory_order_relaxed);
    removals_.fetch_add(1, std::memory_order_acq_rel);  // before the node can be reused (find)
    spin_guard g(free_mtx_);
    victim->free_next = free_;
    free_ = victim;
    return true;
  }

  // Visits every live node (tests, shadow resets over ranges). Not linearizable; fine for those uses.
  template <class F> void for_each_in_bucket_of(std::uintptr_t addr, F &&f) noexcept {
    if (!buckets_) return;
    for (Node *n = buckets_[index(addr)].load(std::memory_order_acquire); n;
         n = n->next.load(std::memory_order_acquire))
      f(*n);
  }

  // The addresses of the live nodes in [from, to), a range within one aligned 8-byte step (its
  // addresses share a bucket: index()), at most `max` of them, into `out`; returns how many. Validated
  // as find's misses are: a walk during which a node was removed (and maybe reused elsewhere) is done
  // again, at last under the stripe lock. An empty bucket is answered by one load.
  unsigned addresses_in_step(std::uintptr_t from, std::uintptr_t to, std::uintptr_t *out, unsigned max) noexcept {
    if (!buckets_) return 0;
    const std::size_t i = index(from);
    if (!buckets_[i].load(std::memory_order_acquire)) return 0;
    auto collect = [&] {
      unsigned n = 0;
      for (Node *k = buckets_[i].load(std::memory_order_acquire); k && n < max; k = k->next.load(std::memory_order_acquire))
        if (const std::uintptr_t a = k->addr.load(std::memory_order_acquire); a >= from && a < to) out[n++] = a;
      return n;
    };
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::uint64_t before = removals_.load(std::memory_order_acquire);
      const unsigned n = collect();
      std::atomic_thread_fence(std::memory_order_acquire);
      if (removals_.load(std::memory_order_relaxed) == before) return n;
    }
    spin_guard g(stripes_[i % stripe_count]);
    return collect();
  }

  // Calls f(addr) for the address of each live node in [lo, hi), step by aligned 8-byte step as
  // addresses_in_step finds them (f may remove them). An empty step costs one load of its bucket, here:
  // a freed block's steps are neighbouring buckets (index), nearly all empty, and a call for each made
  // the walk over a leveldb memtable's freed arena, a 4 KiB page at a time, 2% of a db_bench run.
  template <class F> void for_each_address_in(std::uintptr_t lo, std::uintptr_t hi, F &&f) noexcept {
    if (!buckets_) return;
    for (std::uintptr_t p = lo & ~std::uintptr_t{7}; p < hi; p += 8) {
      if (!buckets_[index(p)].load(std::memory_order_acquire)) continue;
      std::uintptr_t found[8];
      const unsigned n = addresses_in_step(p < lo ? lo : p, p + 8 < hi ? p + 8 : hi, found, 8);
      for (unsigned i = 0; i < n; ++i) f(found[i]);
    }
  }

  std::size_t live() const noexcept { return live_.load(std::memory_order_relaxed); }

  // Visits every node ever allocated, live or free. Only for the child of a fork, where the calling
  // thread is the only one and holds the table's locks (lock_all): a node's own lock that another
  // thread of the parent held at the instant of the fork is released this way, since nobody in the
  // child will ever release it (a live object's, or a free node's that a lookup held for a moment).
  template <class F> void for_each_node_in_fork_child(F &&f) noexcept {
    for (Node *n = all_; n; n = n->all_next) f(*n);
  }

  // fork(): held across the fork so the child never inherits a half-done insertion or removal.
  void lock_all() noexcept {
    for (spinlock &s : stripes_) s.lock();
    free_mtx_.lock();
  }
  void unlock_all() noexcept {
    free_mtx_.unlock();
    for (spinlock &s : stripes_) s.unlock();
  }

private:
  static std::size_t index(std::uintptr_t addr) noexcept {
    // Neighbouring addresses in neighbouring buckets, 8 bytes apart: a walk over nearby objects (a
    // skip list's levels of next pointers, an array of atomics) reads one cache line of buckets, not
    // one line each (the buckets are 8 MiB: a line not read lately is a miss). Each window of the
    // address space that many buckets cover is offset by a hash of its number, so that objects at one
    // offset of aligned mappings (malloc's arenas, say) do not share a chain.
    const std::uint64_t a = addr, window = a >> (3 + BucketBits);
    return static_cast<std::size_t>(((a >> 3) + ((window * 0x9E3779B97F4A7C15ull) >> (64 - BucketBits))) &
                                    (bucket_count - 1));
  }


  Node *walk(std::size_t i, std::uintptr_t addr) noexcept {
    for (Node *n = buckets_[i].load(std::memory_order_acquire); n; n = n->next.load(std::memory_order_acquire))
      if (n->addr.load(std::memory_order_acquire) == addr) return n;
    return nullptr;
  }

  Node *take_node() noexcept {
    {
      spin_guard g(free_mtx_);
      if (Node *n = free_) {
        free_ = n->free_next;
        n->free_next = nullptr;
        return n;
      }
    }
    void *p = internal_alloc(sizeof(Node));
    if (!p) return nullptr;
    Node *n = new (p) Node();
    spin_guard g(free_mtx_);
    n->all_next = all_;
    all_ = n;
    return n;
  }

  std::atomic<Node *> *buckets_ = nullptr;
  spinlock stripes_[stripe_count];
  spinlock free_mtx_;
  Node *free_ = nullptr;
  Node *all_ = nullptr;  // every node allocated (never freed), for for_each_node_in_fork_child
  std::atomic<std::size_t> live_{0};
  std::atomic<std::uint64_t> removals_{0};  // bumped by every remove (find's miss validation)
};

}  // namespace lockstep::rt
