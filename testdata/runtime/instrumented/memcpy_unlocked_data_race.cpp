// Unannotated code, built with lockstep_instrument: one thread memcpy's a message into a buffer that
// another thread reads with memcmp, with no lock. Neither call is instrumented by the compiler (Clang
// 14 and GCC call libc's functions); liblockstep checks what they read and write.
// expect-stack: 0 main
#include <atomic>
#include <cstring>
#include <string>
#include <thread>

namespace {
char buffer[64];
std::atomic<bool> written{false};  // relaxed: orders nothing
}  // namespace

int main(int argc, char **) {
  const std::string message(static_cast<std::size_t>(40 + argc), 'm');  // a size the compiler cannot see
  std::thread writer([&] {
    std::memcpy(buffer, message.data(), message.size());
    written.store(true, std::memory_order_relaxed);
  });
  while (!written.load(std::memory_order_relaxed)) std::this_thread::yield();
  const bool same = std::memcmp(buffer, message.data(), message.size()) == 0;
  writer.join();
  return same ? 0 : 1;
}
