// Unannotated code, built with lockstep_instrument: a read returns fewer bytes than its buffer holds,
// and main writes the rest of that buffer meanwhile (not a race: the kernel wrote only what read
// returned); then the worker hands the buffer back through a pipe, and main reads it and writes out a
// buffer the worker filled before the hand-off. The buffers of read, write and readv are checked as
// accesses, and none of these is a race.
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {
constexpr int got = 10;  // bytes in the pipe; the buffers hold 64
char received[64], scattered[64], outgoing[16];
std::atomic<bool> start{false};
}  // namespace

int main() {
  int in[2], in_v[2], back[2], out[2];
  if (pipe(in) != 0 || pipe(in_v) != 0 || pipe(back) != 0 || pipe(out) != 0) return 2;
  if (write(in[1], "0123456789", got) != got || write(in_v[1], "abcdefghij", got) != got) return 2;
  std::thread worker([&] {
    while (!start.load(std::memory_order_relaxed)) std::this_thread::yield();
    iovec parts[] = {{scattered, 32}, {scattered + 32, 32}};
    if (read(in[0], received, sizeof received) != got || readv(in_v[0], parts, 2) != got) std::abort();
    std::memset(outgoing, 'o', sizeof outgoing);
    if (write(back[1], "k", 1) != 1) std::abort();  // hands received, scattered and outgoing back
  });
  start.store(true, std::memory_order_relaxed);
  // Beyond what the reads return, at the same time as them (from the byte after, in the same granule).
  for (std::size_t i = got; i < sizeof received; ++i) received[i] = scattered[i] = 'm';
  char ack;
  if (read(back[0], &ack, 1) != 1) return 2;
  int sum = received[0] + scattered[0];
  sum += static_cast<int>(write(out[1], outgoing, sizeof outgoing));
  worker.join();
  return sum > 0 ? 0 : 1;
}
