// Unannotated code, built with lockstep_instrument: one thread appends to a std::string while another
// reads its size, without a lock. The capacity is reserved first, so the append never reallocates
// (the program cannot crash); the race is on the string's length and characters. The reader waits for
// a relaxed flag (which orders nothing) until the first append is done: two first accesses at the
// same instant can each miss the other (both threads check the granule, then take different slots),
// which made this test report in about 90% of runs on an idle machine.
// expect-stack: 0 std::
// expect-stack: 1 std::
#include <atomic>
#include <string>
#include <thread>

std::string text;  // external: the accesses must stay
std::atomic<bool> appending{false};

namespace {
__attribute__((noinline)) void append_words() {
  for (int i = 0; i < 8; ++i) {
    text.append("word ");
    appending.store(true, std::memory_order_relaxed);
  }
}
__attribute__((noinline)) std::size_t measure() { return text.size(); }
}  // namespace

int main() {
  text.reserve(256);
  std::size_t seen = 0;
  std::thread writer(append_words), reader([&] {
    while (!appending.load(std::memory_order_relaxed)) std::this_thread::yield();
    seen = measure();
  });
  writer.join();
  reader.join();
  return seen <= text.size() ? 0 : 1;
}
