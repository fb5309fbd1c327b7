// Unannotated code, built with lockstep_instrument: fibers switched to without synchronization
// (__tsan_switch_to_fiber_no_sync) still start knowing what their creator did before creating them,
// as a thread does, so a fiber reading the configuration main wrote before creating it is clean.
// Each fiber writes only its own result, which main reads after the fiber switched back with
// synchronization.
#include "ucontext_fiber.hpp"

namespace {
constexpr int tasks = 4;
fiber_place main_place;
ucontext_fiber<32 * 1024> task_fibers[tasks];
long config[tasks];
long results[tasks];
int current = 0;  // written by main before it creates the fiber that reads it

void run_task() {
  const int i = current;
  results[i] = config[i] * 10;
  switch_fiber(task_fibers[i], main_place);  // publishes the result
}
}  // namespace

int main() {
  enter_here(main_place);
  for (int i = 0; i < tasks; ++i) config[i] = i + 1;
  long sum = 0;
  for (int i = 0; i < tasks; ++i) {
    current = i;
    task_fibers[i].start(run_task);  // after config and `current` were written
    switch_fiber(main_place, task_fibers[i], __tsan_switch_to_fiber_no_sync);
    sum += results[i];
    task_fibers[i].destroy();
  }
  return sum == 100 ? 0 : 1;
}
