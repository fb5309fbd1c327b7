// Unannotated code, built with lockstep_instrument: one thread appends to a std::string while another
// reads its size, without a lock. The capacity is reserved first, so the append never reallocates
// (the program cannot crash); the race is on the string's length and characters.
// expect-stack: 0 std::
// expect-stack: 1 std::
#include <string>
#include <thread>

std::string text;  // external: the accesses must stay

namespace {
__attribute__((noinline)) void append_words() {
  for (int i = 0; i < 8; ++i) text.append("word ");
}
__attribute__((noinline)) std::size_t measure() { return text.size(); }
}  // namespace

int main() {
  text.reserve(256);
  std::size_t seen = 0;
  std::thread writer(append_words), reader([&] { seen = measure(); });
  writer.join();
  reader.join();
  return seen <= text.size() ? 0 : 1;
}
