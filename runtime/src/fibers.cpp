// ThreadSanitizer's fiber API (compiler-rt's <sanitizer/tsan_interface.h>), which coroutine and fiber
// libraries call around their own context switches (swapcontext, assembly, longjmp): each fiber is a
// thread of its own to the runtime (a slot, a vector-clock component, a held set, a name, a "T<n>" in
// reports), and the OS thread runs whichever state it last switched to (t_cur).
//
//   __tsan_get_current_fiber()     the running state: the thread's own, or the fiber it switched to
//   __tsan_create_fiber(flags)     a new state that starts knowing what its creator did so far (as a
//                                  thread created then would); flags are unused, as in TSan
//   __tsan_switch_to_fiber(f, fl)  called just before the real switch: the OS thread runs f from now
//                                  on. Without __tsan_switch_to_fiber_no_sync (1) in fl the old state
//                                  releases and f acquires: everything before the switch happens
//                                  before what f does after it. With it, nothing is ordered, and
//                                  fibers that share data without other synchronization race.
//   __tsan_destroy_fiber(f)        f's slot goes back (its name and creation stack stay known to
//                                  reports); destroying the running fiber, or a thread's own state,
//                                  is ignored. Nothing is ordered by it, as in TSan.
//   __tsan_set_fiber_name(f, n)    reports call f "T<n> 'name'"
//
// Switching from inside a signal handler (a preemptive scheduler) is not supported: the handler may
// have interrupted the runtime, whose work on the old state's clock is then half done. Such a
// switch leaves the clocks of states inside the runtime alone and orders nothing, as with no_sync
// (see runtime.md, "Fibers").
#include <cstdint>

#if __has_include(<sanitizer/tsan_interface.h>)
#include <sanitizer/tsan_interface.h>  // the declarations these definitions must match
#endif

#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

constexpr unsigned switch_no_sync = 1u << 0;  // __tsan_switch_to_fiber_no_sync

thread_state *state_of(void *fiber) noexcept { return static_cast<thread_state *>(fiber); }

}  // namespace

extern "C" {

void *__tsan_get_current_fiber() { return cur_thread(); }

void *__tsan_create_fiber(unsigned) {
  thread_state *parent = tracked_thread();
  if (!parent) return nullptr;  // switching to a null fiber is ignored: its code runs as the switcher
  rt_scope sc(parent);
  // The creation stack by frame pointers: fiber libraries create a fiber per task, and a full
  // unwind would cost each creation microseconds.
  thread_state *f = thread_new_child(parent, fp_stack_id(parent, LOCKSTEP_CALLER_PC));
  if (!f) return nullptr;
  f->fiber = true;
  f->detached = true;  // nobody joins a fiber: its destruction gives the slot back
  return f;
}

void __tsan_destroy_fiber(void *fiber) {
  thread_state *f = state_of(fiber);
  thread_state *thr = tracked_thread();
  if (!f || !thr || f == thr || !f->fiber) return;
  rt_scope sc(thr);
  if (registry_mark_finished(f)) registry_free_slot(f);
}

void __tsan_switch_to_fiber(void *fiber, unsigned flags) {
  thread_state *to = state_of(fiber);
  thread_state *from = cur_thread();
  if (!to || !from || to == from) return;
  // A signal landing on this thread meanwhile finds whichever state is current inside the runtime.
  ++from->in_rt;
  ++to->in_rt;
  // Release by the old state into the new one's clock, which acquires it at once: the new state's
  // clock serves as the sync object (nobody else touches it while the fiber is switched out).
  if (!(flags & switch_no_sync) && from->in_rt == 1 && to->in_rt == 1) release(from, to->clock);
  t_cur = to;
  --to->in_rt;
  --from->in_rt;
}

void __tsan_set_fiber_name(void *fiber, const char *name) { set_thread_name(state_of(fiber), name); }

}  // extern "C"
