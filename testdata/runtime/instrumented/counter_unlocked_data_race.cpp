// Unannotated code, built with lockstep_instrument: two threads increment a plain counter.
// expect-stack: 0 bump
// expect-stack: 1 bump
#include <thread>

namespace {
int hits = 0;
void bump() {
  for (int i = 0; i < 1000; ++i) ++hits;
}
}  // namespace

int main() {
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  return hits > 0 ? 0 : 1;
}
