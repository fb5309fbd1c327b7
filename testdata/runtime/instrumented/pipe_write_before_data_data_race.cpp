// The look-alike of pipe_socketpair_handoff_norace.cpp that is wrong: the producer writes the byte to
// the pipe first and the data after it, so the reader's use of the data is not ordered after its
// write.
// expect-stack: 0 main
// expect-stack: 1 produce
#include <unistd.h>

#include <atomic>
#include <thread>

namespace {
long value = 0;
std::atomic<bool> written{false};  // relaxed: orders nothing; only lets the reader look after the write
int p[2];

void produce() {
  const char c = 1;
  if (write(p[1], &c, 1) != 1) __builtin_trap();
  value = 42;  // after the hand-off
  written.store(true, std::memory_order_relaxed);
}
}  // namespace

int main() {
  if (pipe(p) != 0) return 1;
  std::thread producer(produce);
  char c;
  if (read(p[0], &c, 1) != 1) return 1;
  while (!written.load(std::memory_order_relaxed)) std::this_thread::yield();
  const long seen = value;
  producer.join();
  return seen == 42 ? 0 : 1;
}
