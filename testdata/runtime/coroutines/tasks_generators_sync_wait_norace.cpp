// lockstep::task, sync_wait and generator in correct use: a task that finishes on another thread is
// waited for from main, a long chain of tasks that finish at once (symmetric transfer: the stack does
// not grow), and a generator pulled by one thread. No report, and the right values.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <thread>

namespace {

// Moves the awaiting coroutine to a new thread.
struct on_new_thread {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { std::thread([h] { h.resume(); }).detach(); }
  void await_resume() const noexcept {}
};

long shared_sum = 0;

lockstep::task<int> add_on_other_thread(int a, int b) {
  LOCKSTEP_WRITE(shared_sum);
  shared_sum = a;
  co_await on_new_thread{};
  LOCKSTEP_READ(shared_sum);
  LOCKSTEP_WRITE(shared_sum);
  shared_sum += b;
  co_return static_cast<int>(shared_sum);
}

lockstep::task<int> one() { co_return 1; }

lockstep::task<long> sum_of_ones(int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) total += co_await one();
  co_return total;
}

lockstep::task<void> fails() {
  co_await on_new_thread{};
  throw 42;
}

lockstep::generator<int> squares(int n) {
  for (int i = 1; i <= n; ++i) co_yield i * i;
}

}  // namespace

int main() {
  const int three = lockstep::sync_wait(add_on_other_thread(1, 2));
  LOCKSTEP_READ(shared_sum);  // after sync_wait: ordered after the task's last step
  const long ones = lockstep::sync_wait(sum_of_ones(200000));
  bool caught = false;
  try {
    lockstep::sync_wait(fails());
  } catch (int v) {
    caught = v == 42;
  }
  long squares_sum = 0;
  for (int s : squares(10)) squares_sum += s;
  std::printf("%d %ld %d %ld\n", three, ones, caught ? 1 : 0, squares_sum);
  return three == 3 && ones == 200000 && caught && squares_sum == 385 ? 0 : 1;
}
