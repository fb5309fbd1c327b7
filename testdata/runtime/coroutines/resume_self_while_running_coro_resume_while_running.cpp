// A coroutine keeps its own handle and resumes it from its body, before it has suspended: the resume
// would run the frame a second time on top of itself. The runtime reports it, with where the
// coroutine was created, and the resume does nothing.
// expect-stack: 0 count_twice
// expect-stack: 1 main
#include <lockstep/lockstep.hpp>

#include <coroutine>

#include "lazy_handle.hpp"

namespace {

std::coroutine_handle<> self;
int runs = 0;

// Not inlined (see resume_destroyed_task_coro_resume_after_destroy.cpp).
[[gnu::noinline]] lazy count_twice() {
  ++runs;
  self.resume();  // meant to "yield", but the coroutine is running: nothing suspended it
  ++runs;
  co_return;
}

}  // namespace

int main() {
  lazy l = count_twice();
  self = l.handle;
  l.handle.resume();
  const bool finished = l.handle.done();
  l.handle.destroy();
  return finished && runs == 2 ? 0 : 1;
}
