// What the runtime forgets when an object or memory ends: a sync object's record, its lock id and
// its place in the lock-order graph (destroy, re-initialisation, memory reuse), and every record and
// shadow cell in freed heap memory, so a later object at the same address starts clean.
#include "rtl.hpp"

namespace lockstep::rt {

void sync_forget(std::uintptr_t addr) noexcept {
  sync_var *old = sync_find(addr);
  if (!old) return;
  std::uint32_t id;
  {
    spin_guard g(old->mtx);
    id = old->lock_id;
  }
  sync_remove(addr);
  deadlock_on_destroy(id);
  release_lock_id(id);
}

sync_var *sync_renew(std::uintptr_t addr, sync_kind kind, std::int64_t count) noexcept {
  sync_var *old = sync_find(addr);
  if (old && old->kind != sync_kind::unknown) sync_forget(addr);
  sync_var *s = sync_get_or_create(addr, kind);
  if (!s) return nullptr;
  spin_guard g(s->mtx);
  s->kind = kind;
  s->counter = counter_state{};
  s->counter.known = true;
  s->counter.count = count;
  s->counter.limit = count;
  return s;
}

void forget_heap_range(std::uintptr_t lo, std::size_t size, bool instrumented_shadow) noexcept {
  if (instrumented_shadow) instrumented_shadow_reset(lo, size);
  for_each_state_page(lo, size, [](std::uintptr_t a, std::uintptr_t b, std::uint8_t flags) {
    if (flags & page_has_shadow) shadow_reset(a, b - a);
    if (flags & page_has_sync) sync_for_each_in_range(a, b, sync_forget);
  }, page_has_shadow | page_has_sync);  // a page forgotten whole holds no state until new state marks it
}

}  // namespace lockstep::rt
