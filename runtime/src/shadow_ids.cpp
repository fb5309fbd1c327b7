// Shadow ids: which thread and epoch a 32-bit slot of the instrumented shadow names (the scheme is in
// rtl.hpp, before note_own_clock; the slot layout in instrumented_shadow.hpp).
//
// An id is free, held (by a thread, as its current or its previous id) or retired (its thread moved
// on or ended, but slots may still name it: its owner stays valid until a reset). A thread keeps its
// previous id held until its next renewal: a signal handler that renews the id in the middle of an
// access (between reading the thread's slot word and storing it) leaves a slot naming that id, which
// must not change hands at a reset meanwhile.
//
// A reset (no free id left, some retired): the whole instrumented shadow is emptied (its blocks' pages
// go back to the kernel and read as zeros again), then the retired ids are free. The history it
// forgets can only hide races: every slot written afterwards names an id whose owner is current.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "instrumented_shadow.hpp"
#include "rtl.hpp"

namespace lockstep::rt {

namespace {

enum : std::uint8_t { id_free, id_held, id_retired };

struct id_states {
  spinlock mtx;
  std::uint8_t state[shadow_id_count];  // id 0 is never handed out
  std::uint32_t next;                   // where the search for a free id starts
  std::uint32_t retired;                // ids retired
  // Ids held: read without the lock by threads that have none, which ask again only when fewer than
  // all are (an id is free or retired then).
  std::atomic<std::uint32_t> held;
  std::atomic<bool> warned;  // that a thread went without an id (said once)
};
id_states g_ids;  // zero-initialized static storage: every id free

std::uint32_t ids_in_use() noexcept { return g_shadow_ids.ids_in_use.load(std::memory_order_relaxed); }

std::uint32_t take_free_locked() noexcept {
  const std::uint32_t n = ids_in_use();
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t id = 1 + (g_ids.next + i) % n;
    if (g_ids.state[id] != id_free) continue;
    g_ids.state[id] = id_held;
    g_ids.next = id % n;
    g_ids.held.fetch_add(1, std::memory_order_relaxed);
    return id;
  }
  return 0;
}

void retire_locked(std::uint32_t id) noexcept {
  if (id == 0 || g_ids.state[id] != id_held) return;
  g_ids.state[id] = id_retired;
  ++g_ids.retired;
  g_ids.held.fetch_sub(1, std::memory_order_relaxed);
}

// Empties the instrumented shadow, then frees the retired ids (see above).
void reset_locked() noexcept {
  g_shadow_ids.generation.fetch_add(1, std::memory_order_seq_cst);  // odd: a reset runs
  for (auto *block = static_cast<ishadow::granule_shadow *>(g_shadow_ids.blocks.load(std::memory_order_acquire)); block;
       block = ishadow::header_of(block).next_block)
    ::syscall(SYS_madvise, block, ishadow::region_bytes, MADV_DONTNEED);  // the header page (before it) stays
  g_shadow_ids.generation.fetch_add(1, std::memory_order_seq_cst);
  for (std::uint32_t id = 1; id < shadow_id_count; ++id)
    if (g_ids.state[id] == id_retired) g_ids.state[id] = id_free;
  g_ids.retired = 0;
}

void warn_no_id_locked() noexcept {
  if (g_ids.warned.load(std::memory_order_relaxed)) return;
  g_ids.warned.store(true, std::memory_order_relaxed);
  static const char text[] =
      "lockstep: more threads run at once than the instrumented shadow has ids for; the accesses of threads "
      "without one are checked but not recorded (races where they come first are missed) until ids are freed\n";
  (void)!::write(2, text, sizeof text - 1);
}

}  // namespace

void renew_shadow_id(thread_state *t) noexcept {
  // A thread without an id asks again only when one may be had (each release would lock otherwise).
  if (t->sid == 0 && g_ids.held.load(std::memory_order_relaxed) >= ids_in_use() &&
      g_ids.warned.load(std::memory_order_relaxed))
    return;
  spin_guard g(g_ids.mtx);
  retire_locked(t->prev_sid);
  t->prev_sid = t->sid;
  t->sid = 0;
  std::uint32_t id = take_free_locked();
  if (id == 0 && g_ids.retired != 0) {
    reset_locked();
    id = take_free_locked();
  }
  if (id == 0) return warn_no_id_locked();
  const std::uint32_t own = t->clock.get(t->tid);
  t->sid_base = own - 1;
  g_shadow_ids.owner[id].store((static_cast<std::uint64_t>(t->tid) << 32) | t->sid_base, std::memory_order_release);
  t->sid = id;
}

void retire_shadow_id(thread_state *t, bool fork_child) noexcept {
  if (!fork_child) g_ids.mtx.lock();
  retire_locked(t->sid);
  retire_locked(t->prev_sid);
  t->sid = t->prev_sid = 0;
  // A thread detached after it finished may still run late destructors on this state: from now on its
  // accesses are checked, not recorded, rather than written with an id a reset may hand to another.
  t->own_epoch_bits = 0;
  if (!fork_child) g_ids.mtx.unlock();
}

void shadow_ids_fork_lock() noexcept { g_ids.mtx.lock(); }
void shadow_ids_fork_unlock() noexcept { g_ids.mtx.unlock(); }

}  // namespace lockstep::rt
