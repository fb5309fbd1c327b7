// What the runtime says about sync objects and the locks a thread holds, shared by every family's
// handlers, the race detector and the deadlock detectors: the dense lock ids that name objects in the
// graphs, the words of reports ("mutex M3 'queue' at 0x..."), the held set as reports show it, and
// the one shape of misuse report. Below mutex.cpp and deadlock.cpp, which both use it.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "rtl.hpp"

namespace lockstep::rt {

namespace {

// Lock ids for the graph detectors: dense, recycled after destroy, with the address each names.
struct lock_ids {
  spinlock mtx;
  std::uint32_t next = 1;  // 0 means "none"
  std::uint32_t *free_list = nullptr;
  std::uint32_t free_count = 0, free_cap = 0;
  std::uintptr_t *addr_of = nullptr;  // indexed by id
  std::uint32_t addr_cap = 0;
};
lock_ids g_ids;

bool grow_ids_locked(std::uint32_t need) noexcept {
  if (need < g_ids.addr_cap) return true;
  std::uint32_t cap = g_ids.addr_cap ? g_ids.addr_cap * 2 : 1024;
  while (cap <= need) cap *= 2;
  auto *a = static_cast<std::uintptr_t *>(internal_alloc(cap * sizeof(std::uintptr_t)));
  if (!a) return false;
  for (std::uint32_t i = 0; i < g_ids.addr_cap; ++i) a[i] = g_ids.addr_of[i];
  if (g_ids.addr_of) internal_free(g_ids.addr_of, g_ids.addr_cap * sizeof(std::uintptr_t));
  g_ids.addr_of = a;
  g_ids.addr_cap = cap;
  return true;
}

const char *kind_word(sync_kind k) {
  switch (k) {
  case sync_kind::rwlock: return "rwlock";
  case sync_kind::spinlock: return "spinlock";
  case sync_kind::condvar: return "condition variable";
  case sync_kind::guard: return "static-initialization guard";
  case sync_kind::once: return "once flag";
  case sync_kind::semaphore: return "semaphore";
  case sync_kind::latch: return "latch";
  case sync_kind::barrier: return "barrier";
  case sync_kind::atomic: return "atomic";
  default: return "mutex";
  }
}

std::string hex(std::uintptr_t a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, a);
  return buf;
}

}  // namespace

std::uint32_t ensure_lock_id(sync_var *s) noexcept {
  if (s->lock_id) return s->lock_id;
  spin_guard g(g_ids.mtx);
  std::uint32_t id;
  if (g_ids.free_count) {
    id = g_ids.free_list[--g_ids.free_count];
  } else {
    if (!grow_ids_locked(g_ids.next)) return 0;
    id = g_ids.next++;
  }
  g_ids.addr_of[id] = s->addr.load(std::memory_order_relaxed);
  s->lock_id = id;
  return id;
}

void release_lock_id(std::uint32_t id) noexcept {
  if (!id) return;
  spin_guard g(g_ids.mtx);
  if (id < g_ids.addr_cap) g_ids.addr_of[id] = 0;
  if (g_ids.free_count == g_ids.free_cap) {
    std::uint32_t cap = g_ids.free_cap ? g_ids.free_cap * 2 : 1024;
    auto *f = static_cast<std::uint32_t *>(internal_alloc(cap * sizeof(std::uint32_t)));
    if (!f) return;  // the id is leaked, never reused: harmless
    for (std::uint32_t i = 0; i < g_ids.free_count; ++i) f[i] = g_ids.free_list[i];
    if (g_ids.free_list) internal_free(g_ids.free_list, g_ids.free_cap * sizeof(std::uint32_t));
    g_ids.free_list = f;
    g_ids.free_cap = cap;
  }
  g_ids.free_list[g_ids.free_count++] = id;
}

void lock_ids_fork_lock() noexcept { g_ids.mtx.lock(); }
void lock_ids_fork_unlock() noexcept { g_ids.mtx.unlock(); }

std::uintptr_t lock_id_address(std::uint32_t id) noexcept {
  spin_guard g(g_ids.mtx);
  return id < g_ids.addr_cap ? g_ids.addr_of[id] : 0;
}

std::string describe_sync(std::uintptr_t addr, const char *name, std::uint32_t lock_id, sync_kind kind) {
  std::string d = kind_word(kind);
  if (lock_id) d += " M" + std::to_string(lock_id);
  if (name && *name) d += std::string(" '") + name + "'";
  d += " at " + hex(addr);
  return d;
}

report_object describe_object(std::uintptr_t addr) {
  report_object o;
  o.address = addr;
  // Report objects print their address next to the description: leave it out here.
  o.description = describe_sync(addr);
  const std::size_t at = o.description.rfind(" at 0x");
  if (at != std::string::npos) o.description.erase(at);
  return o;
}

std::string describe_sync(std::uintptr_t addr) {
  sync_var *s = sync_find(addr);
  if (!s) return describe_sync(addr, nullptr, 0, sync_kind::mutex);
  spin_guard g(s->mtx);
  return describe_sync(addr, s->name, s->lock_id, s->kind);
}

std::uint32_t held_stack_id(thread_state *owner, held_lock &h) noexcept {
  // Only the owner can walk its own outer frames; the whole stack is interned once.
  if (!h.stack && owner == cur_thread_if_any()) h.stack = stack_depot_put(complete_stack(h.where, owner->stack));
  return h.stack;
}

stack_trace held_stack(thread_state *owner, held_lock &h) noexcept {
  if (held_stack_id(owner, h)) return stack_from_id(h.stack);
  return complete_stack(h.where, {});  // another thread's lock: the recorded frames
}

static report_lock describe_held(thread_state *owner, held_lock &h) {
  report_lock l;
  l.address = h.addr;
  l.description = describe_sync(h.addr);
  if (h.shared) l.description += " (shared)";
  l.acquired_at = held_stack(owner, h);
  return l;
}

std::vector<report_lock> held_locks_of(thread_state *thr, std::uint32_t from) {
  std::vector<report_lock> v;
  for (std::uint32_t i = from; i < thr->nheld; ++i) v.push_back(describe_held(thr, thr->held[i]));
  return v;
}

// A misuse report about one sync object: the offending event, and when known the other thread's
// (a lock's owner and its acquisition).
void misuse_report(thread_state *thr, std::string_view kind, std::uintptr_t addr, const std::string &what,
                          std::uint32_t other_tid1, const stack_trace &other_stack, const char *other_what) {
  report r;
  r.kind = kind;
  const std::string obj = describe_sync(addr);
  r.summary = what + " " + obj;
  report_event ev;
  ev.description = what + " " + obj + " by thread T" + std::to_string(thr->unique_id);
  ev.thread = thr->unique_id;
  ev.stack = capture_stack(0);
  ev.locks_held = held_locks_of(thr);
  r.events.push_back(std::move(ev));
  r.threads.push_back(describe_thread(*thr));
  if (other_tid1) {
    if (thread_state *o = thread_by_tid(other_tid1 - 1)) {
      report_event prev;
      prev.description = std::string(other_what) + " by thread T" + std::to_string(o->unique_id);
      prev.thread = o->unique_id;
      prev.stack = other_stack;
      prev.locks_known = false;
      r.events.push_back(std::move(prev));
      if (o != thr) r.threads.push_back(describe_thread(*o));
    }
  }
  r.objects.push_back(describe_object(addr));
  r.once_per_site = true;
  emit(thr, std::move(r));
}

}  // namespace lockstep::rt
