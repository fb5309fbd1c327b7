// A handle kept after its coroutine was destroyed is resumed: the runtime reports it (with where the
// coroutine was created and destroyed) instead of running freed memory, and the resume does nothing.
// expect-stack: 0 main
#include <lockstep/lockstep.hpp>

#include <coroutine>

#include "lazy_handle.hpp"

namespace {

int runs = 0;

// Not inlined: where the coroutine's creation is inlined into the function that resumes or destroys
// it, an optimizing compiler may call the resume and destroy functions directly, past the runtime's
// entries (see runtime.md, "Coroutines").
[[gnu::noinline]] lazy count_run() {
  ++runs;
  co_return;
}

}  // namespace

int main() {
  lazy l = count_run();
  std::coroutine_handle<> stale = l.handle;
  l.handle.destroy();
  stale.resume();  // the coroutine is gone
  return runs == 0 ? 0 : 1;
}
