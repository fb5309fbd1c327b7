// Unannotated code, built with lockstep_instrument: threads allocate, fill and free blocks that other
// threads' allocations then reuse. A freed block is fresh memory for its next owner: no race between
// the old owner's writes and the new owner's.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

int main() {
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([t] {
      for (int i = 0; i < 2000; ++i) {
        auto *raw = static_cast<char *>(std::malloc(64));
        std::memset(raw, t, 64);
        std::free(raw);
        auto owned = std::make_unique<std::string>(40, static_cast<char>('a' + t));
        std::vector<int> v(16, i);
        if ((*owned)[0] != 'a' + t || v[15] != i) __builtin_trap();
      }
    });
  for (auto &t : ts) t.join();
  return 0;
}
