// The fibers of the fiber programs: ucontext contexts with stacks of their own, each with the
// runtime's fiber (ThreadSanitizer's fiber API, declared by the compilers' sanitizer headers) that
// stands for it. switch_fiber tells the runtime just before it switches, as fiber libraries do.
#pragma once

#include <sanitizer/tsan_interface.h>
#include <ucontext.h>

#include <cstddef>

// Where a switch leaves from or goes to: a saved context and the runtime's fiber running there.
struct fiber_place {
  ucontext_t context;
  void *tsan = nullptr;
};

// The calling thread's current place (its own state, or the fiber it runs).
inline void enter_here(fiber_place &p) { p.tsan = __tsan_get_current_fiber(); }

template <std::size_t StackSize = 64 * 1024> struct ucontext_fiber : fiber_place {
  alignas(16) char stack[StackSize];

  // A new fiber that runs body() from its first switch on; false if the runtime refused one.
  bool start(void (*body)(), const char *name = nullptr) {
    tsan = __tsan_create_fiber(0);
    if (tsan && name) __tsan_set_fiber_name(tsan, name);
    getcontext(&context);
    context.uc_stack.ss_sp = stack;
    context.uc_stack.ss_size = sizeof stack;
    context.uc_link = nullptr;
    makecontext(&context, body, 0);
    return tsan != nullptr;
  }
  void destroy() { __tsan_destroy_fiber(tsan); }
};

// Saves the running code's context in `from` and resumes `to`; `flags` as __tsan_switch_to_fiber's
// (0: synchronize, __tsan_switch_to_fiber_no_sync: not).
inline void switch_fiber(fiber_place &from, fiber_place &to, unsigned flags = 0) {
  __tsan_switch_to_fiber(to.tsan, flags);
  swapcontext(&from.context, &to.context);
}
