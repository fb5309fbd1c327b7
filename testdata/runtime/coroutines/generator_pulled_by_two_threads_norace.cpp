// A generator pulled in turn by two threads, which pass it on through an atomic flag the runtime does
// not see. What the generator did before a co_yield happens before its next resumption on the other
// thread: through the suspension where the promise wraps the yield (lockstep::generator), and, where
// it does not (a hand-written generator whose yield_value returns std::suspend_always), through the
// end of the resume() that ran up to the co_yield. Neither is a race.
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <coroutine>
#include <thread>

namespace {

// A generator whose co_yield the runtime does not see.
struct plain_generator {
  struct promise_type : lockstep::tracked_promise<promise_type> {
    int current = 0;
    plain_generator get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) noexcept {
      current = v;
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};

constexpr int rounds = 200;

int counted = 0;  // the generators' own state, written between yields

[[gnu::noinline]] plain_generator count_plain() {
  for (int i = 0;; ++i) {
    LOCKSTEP_WRITE(counted);
    ++counted;
    co_yield i;
  }
}

lockstep::generator<int> count_tracked() {
  for (int i = 0;; ++i) {
    LOCKSTEP_WRITE(counted);
    ++counted;
    co_yield i;
  }
}

std::atomic<int> turn{0};  // whose pull it is: even, the main thread; odd, the helper

// Pulls on the turns of `parity`.
template <class Pull> void pull_turns(int parity, Pull pull) {
  for (int t = parity; t < 2 * rounds; t += 2) {
    while (turn.load(std::memory_order_acquire) != t) std::this_thread::yield();
    pull();
    turn.store(t + 1, std::memory_order_release);
  }
}

template <class Pull> void pull_from_two_threads(Pull pull) {
  turn.store(0);
  std::thread helper([&] { pull_turns(1, pull); });
  pull_turns(0, pull);
  helper.join();
}

}  // namespace

int main() {
  plain_generator plain = count_plain();
  pull_from_two_threads([&] { plain.handle.resume(); });
  plain.handle.destroy();

  lockstep::generator<int> tracked = count_tracked();
  auto it = tracked.begin();  // the first pull, on the main thread
  turn.store(0);
  std::thread helper([&] { pull_turns(1, [&] { ++it; }); });
  pull_turns(0, [&] { ++it; });
  helper.join();

  LOCKSTEP_READ(counted);
  return counted == 4 * rounds + 1 ? 0 : 1;
}
