// Unannotated code, built with lockstep_instrument, that makes raw read and write system calls wrapped
// in the sanitizer interface's hooks (as libuv does): the hooks check what the call wrote into the
// buffer or read from it, as the functions do. The worker reads from a pipe into a buffer main then
// reads plainly, and fills a buffer main then writes out raw, the threads told apart only by a
// relaxed flag (which orders nothing): one race per call. (The clean look-alike, a hand-off through
// the pipe, is raw_syscall_hooks_handoff_norace.)
// expect-reports: 2
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

extern "C" {
void __sanitizer_syscall_pre_impl_write(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_write(long res, long fd, long buf, long count);
void __sanitizer_syscall_pre_impl_read(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_read(long res, long fd, long buf, long count);
}

namespace {
char received[16], outgoing[16];
std::atomic<bool> done{false};  // relaxed: orders nothing

long raw(long call, int fd, void *buf, long n, void (*pre)(long, long, long), void (*post)(long, long, long, long)) {
  pre(fd, reinterpret_cast<long>(buf), n);
  const long r = syscall(call, fd, buf, n);
  post(r, fd, reinterpret_cast<long>(buf), n);
  return r;
}
}  // namespace

int main() {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return 2;
  if (write(in[1], "message", 8) != 8) return 2;
  std::thread worker([&] {
    if (raw(SYS_read, in[0], received, sizeof received, __sanitizer_syscall_pre_impl_read,
            __sanitizer_syscall_post_impl_read) != 8)
      std::abort();
    for (int i = 0; i < 8; ++i) outgoing[i] = static_cast<char>('a' + i);
    done.store(true, std::memory_order_relaxed);
  });
  while (!done.load(std::memory_order_relaxed)) std::this_thread::yield();
  int sum = received[0];  // race: written by the worker's raw read
  sum += static_cast<int>(raw(SYS_write, out[1], outgoing, 8, __sanitizer_syscall_pre_impl_write,
                              __sanitizer_syscall_post_impl_write));  // race: reads what the worker wrote
  worker.join();
  return sum > 0 ? 0 : 1;
}
