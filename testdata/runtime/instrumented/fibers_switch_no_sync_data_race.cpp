// The look-alike of fibers_switch_with_sync_norace.cpp that is wrong: the switches are made with
// __tsan_switch_to_fiber_no_sync, as a scheduler does whose fibers are independent tasks, so the main
// thread's update of `pending` and the fiber's are not ordered (they run on one OS thread, but the
// fiber could as well have been resumed on another). The report names the fiber as a thread with
// the name it was given.
// expect-stack: 0 parse_request
// expect-stack: 1 main
// expect-stderr: 'request parser'
// expect-reports: 1..2
#include "ucontext_fiber.hpp"

namespace {
fiber_place main_place;
ucontext_fiber<> parser;
int pending = 0;

void parse_request() {
  pending = pending - 1;
  switch_fiber(parser, main_place, __tsan_switch_to_fiber_no_sync);
}
}  // namespace

int main() {
  enter_here(main_place);
  parser.start(parse_request, "request parser");
  pending = pending + 1;  // after the fiber was created: only a switch could order it
  switch_fiber(main_place, parser, __tsan_switch_to_fiber_no_sync);
  parser.destroy();
  return 0;
}
