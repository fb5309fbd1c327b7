// Unannotated code, built with lockstep_instrument: the buffers of read, pread, write and writev are
// accessed by the kernel, not by instrumented code; liblockstep checks what each call wrote into its
// buffer or read from it. The worker reads from a pipe and from a file into buffers main then reads
// plainly, and fills buffers main then writes out, all with no lock: one race per call.
// expect-reports: 4
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

namespace {
char received[16], from_file[16], outgoing[16], gathered[16];
std::atomic<bool> done{false};  // relaxed: orders nothing
}  // namespace

int main() {
  int in[2], out[2];
  char name[] = "/tmp/lockstep-pread-XXXXXX";
  const int file = mkstemp(name);
  if (pipe(in) != 0 || pipe(out) != 0 || file < 0) return 2;
  unlink(name);
  if (write(in[1], "message", 8) != 8 || write(file, "contents", 9) != 9) return 2;
  std::thread worker([&] {
    if (read(in[0], received, sizeof received) != 8 || pread(file, from_file, sizeof from_file, 0) != 9) std::abort();
    for (int i = 0; i < 8; ++i) outgoing[i] = gathered[i] = static_cast<char>('a' + i);
    done.store(true, std::memory_order_relaxed);
  });
  while (!done.load(std::memory_order_relaxed)) std::this_thread::yield();
  int sum = received[0] + from_file[0];
  sum += static_cast<int>(write(out[1], outgoing, 8));
  const iovec parts[] = {{gathered, 4}, {gathered + 4, 4}};
  sum += static_cast<int>(writev(out[1], parts, 2));
  worker.join();
  return sum > 0 ? 0 : 1;
}
