// A coroutine publishes its own handle before it suspends, and a helper thread resumes it at once,
// while it still runs on the main thread: two threads would run one frame. The runtime reports the
// helper's resume (with where the coroutine was created) and the resume does nothing.
// expect-stack: 0 resume_published
// expect-stack: 1 main
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <coroutine>
#include <thread>

#include "lazy_handle.hpp"

namespace {

std::coroutine_handle<> self;
std::atomic<void *> published{nullptr};
std::atomic<bool> tried{false};

// Not inlined (see resume_destroyed_task_coro_resume_after_destroy.cpp).
[[gnu::noinline]] lazy work() {
  // The handle goes out before the coroutine suspends (it should be published from await_suspend).
  published.store(self.address(), std::memory_order_release);
  while (!tried.load(std::memory_order_acquire)) std::this_thread::yield();
  co_return;
}

void resume_published() {
  void *frame;
  while (!(frame = published.load(std::memory_order_acquire))) std::this_thread::yield();
  std::coroutine_handle<>::from_address(frame).resume();
  tried.store(true, std::memory_order_release);
}

}  // namespace

int main() {
  std::thread helper(resume_published);
  lazy l = work();
  self = l.handle;
  l.handle.resume();
  helper.join();
  const bool finished = l.handle.done();
  l.handle.destroy();
  return finished ? 0 : 1;
}
