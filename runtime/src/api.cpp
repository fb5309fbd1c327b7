// The runtime's public C entry points: access annotations and naming (used by <lockstep/*.hpp>).
#include <cstring>

#include <lockstep/annotations.hpp>
#include <lockstep/names.hpp>

#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

void annotate_tracked(thread_state *thr, const volatile void *addr, std::size_t size, bool is_write,
                      const lockstep_source_site *site, std::uintptr_t pc) noexcept {
  // Inside the runtime (a signal handler interrupted it) the access is dropped rather than risking
  // re-entry into a cell this thread may already have locked.
  // (ignore_accesses also carries detect_races=0, copied when the thread was registered.)
  if (thr->in_rt || thr->ignore_accesses) return;
  // A tail call: shadow_access marks the thread as inside the runtime itself (rule 3).
  shadow_access(thr, reinterpret_cast<std::uintptr_t>(addr), size, is_write, site, pc);
}

// The first access of a thread the runtime has not seen yet (out of line: the common entry then
// saves no registers and ends in a tail call).
__attribute__((noinline)) void annotate_new_thread(const volatile void *addr, std::size_t size, bool is_write,
                                                   const lockstep_source_site *site, std::uintptr_t pc) noexcept {
  if (thread_state *thr = cur_thread()) annotate_tracked(thr, addr, size, is_write, site, pc);
}

inline void annotate(const volatile void *addr, std::size_t size, bool is_write, const lockstep_source_site *site,
                     std::uintptr_t pc) noexcept {
  thread_state *thr = cur_thread_if_any();
  if (__builtin_expect(thr == nullptr, 0)) return annotate_new_thread(addr, size, is_write, site, pc);
  annotate_tracked(thr, addr, size, is_write, site, pc);
}

// Names live as long as the program: copied once into runtime memory.
const char *intern_name(const char *name) noexcept {
  if (!name) return nullptr;
  const std::size_t n = std::strlen(name);
  auto *copy = static_cast<char *>(internal_alloc(n + 1));
  if (!copy) return nullptr;
  std::memcpy(copy, name, n + 1);
  return copy;
}

}  // namespace

extern "C" {

void lockstep_annotate_read(const volatile void *addr, std::size_t size, const lockstep_source_site *site) {
  annotate(addr, size, false, site, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

void lockstep_annotate_write(const volatile void *addr, std::size_t size, const lockstep_source_site *site) {
  annotate(addr, size, true, site, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

void lockstep_forget_range(const volatile void *addr, std::size_t size) {
  thread_state *thr = cur_thread();
  // Inside the runtime already (a signal handler interrupted it): forgetting could need a lock
  // this thread holds, so it is skipped.
  if (!thr || thr->in_rt) return;
  rt_scope sc(thr);  // a signal handler arriving meanwhile sees in_rt and stays out
  shadow_reset(reinterpret_cast<std::uintptr_t>(addr), size);
  instrumented_shadow_reset(reinterpret_cast<std::uintptr_t>(addr), size);
}

void lockstep_name_object(const volatile void *addr, const char *name) {
  thread_state *thr = cur_thread();
  if (!thr || thr->in_rt || !addr) return;
  rt_scope sc(thr);
  const char *copy = intern_name(name);
  if (sync_var *s = sync_get_or_create(reinterpret_cast<std::uintptr_t>(addr), sync_kind::unknown)) {
    spin_guard g(s->mtx);
    s->name = copy;
  }
}

void lockstep_name_current_thread(const char *name) {
  thread_state *thr = cur_thread();
  if (!thr || !name) return;
  set_thread_name(thr, name);
}

}  // extern "C"
