// Unannotated code, built with lockstep_instrument: two threads each set their own bit-field of one
// struct, without a lock. Adjacent bit-fields are one memory location in C++ (each store reads and
// writes the byte that holds both), so this is a race, unlike two adjacent members (see
// library_synchronization_norace.cpp).
// expect-stack: 0 set_
// expect-stack: 1 set_
#include <thread>

struct flags_t {
  unsigned ready : 4;
  unsigned mode : 4;
};
flags_t flags{};  // external: the stores must stay

namespace {
__attribute__((noinline)) void set_ready() { flags.ready = 3; }
__attribute__((noinline)) void set_mode() { flags.mode = 5; }
}  // namespace

int main() {
  std::thread a(set_ready), b(set_mode);
  a.join();
  b.join();
  return flags.ready == 3 || flags.mode == 5 ? 0 : 1;
}
