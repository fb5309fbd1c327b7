// Mutex and reader/writer lock events: happens-before, ownership, the held set, and the misuse
// reports double-lock, unlock-not-owner, unlock-not-locked and destroy-locked-mutex.
//
// Every handler follows one skeleton: update state under the object's spinlock, remember what to
// report, release the spinlock, then build and emit the report (rtl.hpp rule 6).
#include <cinttypes>
#include <cstdio>
#include <string>

#include "rtl.hpp"

namespace lockstep::rt {

[[noreturn]] void die_after_report();

namespace {

sync_kind lock_kind(lock_flags f) {
  return f.is_rwlock ? sync_kind::rwlock : f.is_spin ? sync_kind::spinlock : sync_kind::mutex;
}

}  // namespace

// Drops entry `h` (a pointer into thr->held) from the held set.
static void remove_held_entry(thread_state *thr, held_lock *h) noexcept {
  for (held_lock *next = h + 1; next < thr->held + thr->nheld; ++next) next[-1] = *next;
  --thr->nheld;
  if (h < thr->held + thr->nheld) h->linked = false;  // its neighbour below is another lock now
  note_held_set_changed(thr);
  std::uint64_t hash = lockset_hash_seed;  // usually zero or one lock left: cheap to redo
  for (std::uint32_t i = 0; i < thr->nheld; ++i) hash = lockset_hash_step(hash, thr->held[i]);
  thr->held_hash = hash;
}

void drop_forgotten_held_slow(thread_state *thr, std::uint32_t forgets) noexcept {
  thr->held_forgets_seen = forgets;
  for (std::uint32_t i = thr->nheld; i-- > 0;) {
    held_lock &h = thr->held[i];
    if (h.sync->generation.load(std::memory_order_acquire) != h.generation) remove_held_entry(thr, &h);
  }
}

static void remove_held(thread_state *thr, std::uintptr_t addr) noexcept {
  if (held_lock *h = find_held(thr, addr))
    remove_held_entry(thr, h);
  else if (thr->held_overflow)
    --thr->held_overflow;
}

// The held set's next free entry, or null (counted) when the nesting is deeper than we track: those
// locks miss from reports and the graph. commit_held makes the filled entry part of the set.
static held_lock *next_held_entry(thread_state *thr) noexcept {
  if (thr->nheld == max_held) {
    ++thr->held_overflow;
    return nullptr;
  }
  return &thr->held[thr->nheld];
}

static void commit_held(thread_state *thr, const held_lock &h) noexcept {
  thr->held_hash = lockset_hash_step(thr->nheld ? thr->held_hash : lockset_hash_seed, h);
  ++thr->nheld;
  note_held_set_changed(thr);
}

static void push_held(thread_state *thr, sync_var *s, std::uintptr_t addr, bool shared, std::uintptr_t pc,
                      bool linked) noexcept {
  held_lock *e = next_held_entry(thr);
  if (!e) return;
  held_lock &h = *e;
  h.sync = s;
  h.addr = addr;
  h.lock_id = s->lock_id;
  h.stack = 0;  // completed only when needed (held_stack)
  h.shared = shared;
  h.reentries = 0;
  h.generation = s->generation.load(std::memory_order_relaxed);
  h.linked = linked;
  // A few loads now; the whole stack only if a report or a new lock-order edge asks (held_stack).
  fp_stack_prefix(pc, thr->stack, h.where);
  commit_held(thr, h);
}

// The record of a lock, through the thread's cache of recently locked objects. A cached record is
// checked to still stand for `addr` (a destroy recycles records); the window between that check and
// its use is the one every lock-free table lookup has, and only a program destroying a mutex while
// locking it can hit it.
static sync_var *lock_record(thread_state *thr, std::uintptr_t addr, sync_kind kind) noexcept {
  thread_state::sync_cache_entry &e = thr->sync_cache[(addr >> 6) & (thread_state::sync_cache_size - 1)];
  if (__builtin_expect(e.addr == addr, 1) && e.sync->addr.load(std::memory_order_acquire) == addr) return e.sync;
  sync_var *s = sync_get_or_create(addr, kind);
  if (s) e = {addr, s};
  return s;
}

sync_var *mutex_pre_lock(thread_state *thr, std::uintptr_t addr, lock_flags f, bool shared, acquire_mode mode,
                         std::uintptr_t /*pc*/) noexcept {
  sync_var *s = lock_record(thr, addr, lock_kind(f));
  if (!s) return nullptr;
  if (__builtin_expect(s->kind == sync_kind::unknown, 0)) {  // first seen through a naming call
    spin_guard g(s->mtx);
    s->kind = lock_kind(f);
  }
  drop_forgotten_held(thr);
  held_lock *h = find_held(thr, addr);
  if (__builtin_expect(h == nullptr, 1) || mode == acquire_mode::try_) return s;  // try_lock never hangs
  // Relocking what this thread holds: fine for a recursive mutex, and for a second read lock of an
  // rwlock; a self-deadlock (or EDEADLK) otherwise.
  if (f.recursive && !f.is_rwlock) return s;
  if (f.is_rwlock && shared && h->shared) return s;
  // The real call hangs for ever on a plain mutex, and on an rwlock held shared and asked
  // exclusive. glibc refuses the others with EDEADLK: an error-checking mutex, and any lock of an
  // rwlock the thread holds exclusive (POSIX leaves those undefined, so the misuse is reported),
  // and the program goes on with the error; a timed lock times out.
  const bool would_hang =
      mode == acquire_mode::blocking && !f.errorcheck && (!f.is_rwlock || (h->shared && !shared));
  try {
    misuse_report(thr, "double-lock", addr,
                  would_hang ? "double lock (the thread would block for ever) of" : "double lock of", thr->tid + 1,
                  held_stack(thr, *h), "first acquired");
  } catch (...) {
  }
  if (would_hang) die_after_report();
  return s;
}

// Exclusive acquisitions and releases by the owner need no spinlock: the real mutex already
// serializes them (only its holder updates the record's clock, owner and recursion), so the
// uncontended path is the real lock plus a few plain stores. Shared (reader) paths run concurrently
// with each other and take the record's spinlock; misuse paths (another thread's unlock) never
// write the clock, so they cannot tear it while the owner works on it.
void mutex_post_lock(thread_state *thr, sync_var *s, std::uintptr_t addr, bool shared, acquire_mode mode,
                     std::uintptr_t pc) noexcept {
  if (!s) return;
  drop_forgotten_held(thr);
  bool first;  // first acquisition by this thread (not a recursive re-entry)
  std::uint32_t id = 0;
  const bool want_order = mode == acquire_mode::blocking && thr->nheld > 0 && opt_detect_lock_order();
  if (!shared) {
    const std::uint32_t me = thr->tid + 1;
    first = s->owner.load(std::memory_order_relaxed) != me || s->recursion == 0;
    s->owner.store(me, std::memory_order_relaxed);
    s->recursion = first ? 1 : s->recursion + 1;
    acquire(thr, s->clock);
    if (s->read_clock.size()) acquire(thr, s->read_clock);  // writers follow earlier readers
    s->acquired_pc = pc;
    if (want_order && first) {
      spin_guard g(s->mtx);
      id = ensure_lock_id(s);
    }
  } else {
    spin_guard g(s->mtx);
    ++s->readers;
    held_lock *again = find_held(thr, addr);
    first = again == nullptr;
    if (again) ++again->reentries;  // POSIX lets a thread hold several read locks of one rwlock
    acquire(thr, s->clock);  // written only by writers, none of which can hold it now
    if (want_order && first) id = ensure_lock_id(s);
  }
  if (!first) return;
  // Before the push: edges come from the locks held before.
  const bool linked = id != 0 && deadlock_on_acquire(thr, s, addr, id);
  push_held(thr, s, addr, shared, pc, linked);
}

unlock_effect mutex_pre_unlock(thread_state *thr, std::uintptr_t addr, lock_flags f, std::uintptr_t /*pc*/) noexcept {
  drop_forgotten_held(thr);
  held_lock *h = find_held(thr, addr);
  sync_var *s = h ? h->sync : sync_find(addr);
  if (s && s->addr.load(std::memory_order_acquire) != addr) s = sync_find(addr);  // recycled record
  const std::uint32_t me = thr->tid + 1;
  if (__builtin_expect(s != nullptr && s->owner.load(std::memory_order_relaxed) == me, 1)) {
    // The owner's unlock: everything it did happens before the next owner's acquisition.
    release_store(thr, s->clock);
    if (s->recursion > 0) --s->recursion;
    if (s->recursion == 0 || !f.recursive) {
      s->recursion = 0;
      s->owner.store(0, std::memory_order_release);
      if (h)
        remove_held_entry(thr, h);
      else
        remove_held(thr, addr);  // beyond max_held: only counted
    }
    return {};
  }
  enum { ok, not_locked, not_owner } verdict = ok;
  unlock_effect effect;
  std::uint32_t owner_tid1 = 0;
  std::uintptr_t owner_pc = 0;
  if (!s) {
    verdict = not_locked;
  } else {
    spin_guard g(s->mtx);
    const std::uint32_t owner = s->owner.load(std::memory_order_relaxed);
    if (f.is_rwlock && h && h->shared && s->readers > 0) {
      // A reader's unlock (the common case of this slow half).
      --s->readers;
      release(thr, s->read_clock);  // readers only join: several may release concurrently
      if (h->reentries)
        --h->reentries;  // still read-locked by this thread
      else
        remove_held_entry(thr, h);  // thread-local, bounded: fine under the record's lock
      return {};
    } else if (owner != 0) {
      verdict = not_owner;
      owner_tid1 = owner;
      owner_pc = s->acquired_pc;
      // glibc frees a normal mutex whoever unlocks it, but refuses (EPERM) for error-checking,
      // recursive and robust ones: what changes is decided from the real call's result.
      effect = {unlock_effect::clear_owner, owner};
    } else if (s->readers > 0 && f.is_rwlock) {
      verdict = not_owner;  // other threads hold it shared
      effect.what = unlock_effect::drop_reader;
    } else {
      verdict = not_locked;
    }
  }
  if (verdict == ok) return effect;
  try {
    if (verdict == not_locked)
      misuse_report(thr, "unlock-not-locked", addr, "unlock of unlocked", 0, {}, "");
    else
      misuse_report(thr, "unlock-not-owner", addr, "unlock by a thread that does not own", owner_tid1,
                    single_frame(owner_pc), "locked");  // another thread's: its call site
  } catch (...) {
  }
  return effect;
}

void mutex_post_unlock(thread_state *thr, std::uintptr_t addr, unlock_effect effect, int result) noexcept {
  if (effect.what == unlock_effect::none || result != 0) return;  // a refused unlock changed nothing
  sync_var *s = sync_find(addr);
  if (!s) return;
  spin_guard g(s->mtx);
  if (effect.what == unlock_effect::clear_owner) {
    // Only if nobody took the freed mutex meanwhile (its new owner has recorded itself).
    std::uint32_t expected = effect.owner;
    if (s->owner.compare_exchange_strong(expected, 0, std::memory_order_release, std::memory_order_relaxed))
      s->recursion = 0;
  } else if (s->readers > 0) {
    --s->readers;
    release(thr, s->read_clock);
  }
}

std::uint32_t mutex_hand_over(thread_state *thr, std::uint32_t from, held_lock *out, std::uint32_t cap) noexcept {
  std::uint32_t n = 0;
  while (thr->nheld > from && n < cap) {
    held_lock &h = thr->held[thr->nheld - 1];
    if (!h.shared) {
      spin_guard g(h.sync->mtx);
      if (h.sync->owner.load(std::memory_order_relaxed) == thr->tid + 1) h.sync->owner.store(0, std::memory_order_relaxed);
    }
    out[n++] = h;
    remove_held_entry(thr, &h);
  }
  return n;
}

void mutex_take_over(thread_state *thr, const held_lock *locks, std::uint32_t n) noexcept {
  // Handed over innermost first: taken back outermost first, so the held set keeps its order.
  for (std::uint32_t i = n; i-- > 0;) {
    const held_lock &h = locks[i];
    if (h.sync->generation.load(std::memory_order_acquire) != h.generation) continue;  // destroyed meanwhile
    if (!h.shared) {
      spin_guard g(h.sync->mtx);
      if (h.sync->owner.load(std::memory_order_relaxed) == 0) h.sync->owner.store(thr->tid + 1, std::memory_order_relaxed);
    }
    held_lock *e = next_held_entry(thr);
    if (!e) continue;
    *e = h;
    e->linked = false;  // no lock-order edge links it to what the new thread holds
    commit_held(thr, *e);
  }
}

void mutex_init(thread_state *thr, std::uintptr_t addr, lock_flags f) noexcept {
  (void)thr;
  // Re-initialising an address forgets whatever lived there before (memory reuse).
  sync_forget(addr);
  if (sync_var *s = sync_get_or_create(addr, lock_kind(f))) {
    spin_guard g(s->mtx);
    s->recursive = f.recursive;
    s->errorcheck = f.errorcheck;
    s->robust = f.robust;
  }
}

void mutex_pre_destroy(thread_state *thr, std::uintptr_t addr, std::uintptr_t pc) noexcept {
  (void)pc;
  sync_var *s = sync_find(addr);
  if (!s) return;
  std::uint32_t owner, readers;
  std::uintptr_t owner_pc;
  {
    spin_guard g(s->mtx);
    owner = s->owner.load(std::memory_order_relaxed);
    readers = s->readers;
    owner_pc = s->acquired_pc;
  }
  if (!owner && !readers) return;
  try {
    // The owner's acquisition: its whole stack when the destroying thread is the owner, else its call site.
    drop_forgotten_held(thr);
    held_lock *mine = owner == thr->tid + 1 ? find_held(thr, addr) : nullptr;
    misuse_report(thr, "destroy-locked-mutex", addr, owner ? "destruction of locked" : "destruction of read-locked",
                  owner, mine ? held_stack(thr, *mine) : single_frame(owner_pc), "locked");
  } catch (...) {
  }
}

void mutex_post_destroy(thread_state *thr, std::uintptr_t addr, int result) noexcept {
  if (result != 0) return;  // EBUSY: the mutex lives on, locked, and its owner will unlock it
  // The destroying thread may itself hold it: drop it from its held set at once; other threads'
  // entries go at their next lock event (the record's generation moves on).
  while (find_held(thr, addr)) remove_held(thr, addr);
  sync_forget(addr);
}

void mutex_thread_exit(thread_state *thr) noexcept {
  drop_forgotten_held(thr);
  const std::uint32_t me = thr->tid + 1;
  for (std::uint32_t i = thr->nheld; i-- > 0;) {
    held_lock &h = thr->held[i];
    sync_var *s = h.sync;
    if (h.shared || !s->robust || s->owner.load(std::memory_order_relaxed) != me) continue;
    // The owner's path (no spinlock), as an unlock: the next locker is handed the mutex by glibc.
    release_store(thr, s->clock);
    s->recursion = 0;
    s->owner.store(0, std::memory_order_release);
    remove_held_entry(thr, &h);
  }
}

void mutex_wait_release(thread_state *thr, sync_var *m) noexcept {
  const std::uintptr_t addr = m->addr.load(std::memory_order_relaxed);
  release_store(thr, m->clock);  // the owner's path: serialized by the mutex itself
  m->recursion = 0;
  m->owner.store(0, std::memory_order_release);
  remove_held(thr, addr);
}

void mutex_wait_reacquire(thread_state *thr, sync_var *m, std::uintptr_t pc) noexcept {
  const std::uintptr_t addr = m->addr.load(std::memory_order_relaxed);
  m->owner.store(thr->tid + 1, std::memory_order_relaxed);
  m->recursion = 1;
  acquire(thr, m->clock);
  m->acquired_pc = pc;
  push_held(thr, m, addr, false, pc, false);  // retaken inside the wait: no lock-order edge
}

}  // namespace lockstep::rt
