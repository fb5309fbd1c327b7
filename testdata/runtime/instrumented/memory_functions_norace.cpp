// Unannotated code, built with lockstep_instrument: libc's memory and string functions on buffers
// that are handed over correctly (a mutex, a join, a release/acquire flag), and blocks freed by
// another thread than the one that filled them, after a proper hand-off. None is a race.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {
std::mutex mu;
char shared_text[128];
std::atomic<char *> handed{nullptr};
}  // namespace

int main(int argc, char **) {
  const std::size_t n = static_cast<std::size_t>(60 + argc);  // sizes the compiler cannot see
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([t, n] {
      char local[128];
      std::memset(local, 'a' + t, n);
      local[n] = '\0';
      std::lock_guard<std::mutex> g(mu);
      std::memcpy(shared_text, local, n + 1);
      if (std::strlen(shared_text) != n || std::memcmp(shared_text, local, n) != 0) std::abort();
    });
  for (auto &t : ts) t.join();
  std::memmove(shared_text + 1, shared_text, 10);  // after the joins

  // Filled on one thread, published with release, read and freed on another.
  std::thread producer([n] {
    char *block = static_cast<char *>(std::malloc(n));
    std::memset(block, 'p', n);
    handed.store(block, std::memory_order_release);
  });
  char *block;
  while (!(block = handed.load(std::memory_order_acquire))) std::this_thread::yield();
  const bool filled = block[n - 1] == 'p';
  std::free(block);
  producer.join();

  std::string copy(shared_text, 5);
  return filled && copy.size() == 5 ? 0 : 1;
}
