// Unannotated code, built with lockstep_instrument, that makes raw system calls and wraps them in the
// sanitizer interface's hooks, as libuv does when built with -fsanitize=thread (the hooks are declared
// here as <sanitizer/linux_syscall_hooks.h> declares them; GCC 12 ships no such header). The program
// must link (liblockstep defines every hook) and stay silent: a message handed over through a pipe
// with raw write and read is ordered by them, as through the functions, and a raw close is accepted.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

extern "C" {
void __sanitizer_syscall_pre_impl_write(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_write(long res, long fd, long buf, long count);
void __sanitizer_syscall_pre_impl_read(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_read(long res, long fd, long buf, long count);
void __sanitizer_syscall_pre_impl_close(long fd);
void __sanitizer_syscall_post_impl_close(long res, long fd);
}

namespace {
char message[64];

long raw_write(int fd, const void *buf, long n) {
  __sanitizer_syscall_pre_impl_write(fd, reinterpret_cast<long>(buf), n);
  const long r = syscall(SYS_write, fd, buf, n);
  __sanitizer_syscall_post_impl_write(r, fd, reinterpret_cast<long>(buf), n);
  return r;
}
long raw_read(int fd, void *buf, long n) {
  __sanitizer_syscall_pre_impl_read(fd, reinterpret_cast<long>(buf), n);
  const long r = syscall(SYS_read, fd, buf, n);
  __sanitizer_syscall_post_impl_read(r, fd, reinterpret_cast<long>(buf), n);
  return r;
}
void raw_close(int fd) {
  __sanitizer_syscall_pre_impl_close(fd);
  const long r = syscall(SYS_close, fd);
  __sanitizer_syscall_post_impl_close(r, fd);
}
}  // namespace

int main() {
  int fds[2];
  if (pipe(fds) != 0) return 2;
  std::thread writer([&] {
    for (int i = 0; i < 63; ++i) message[i] = static_cast<char>('a' + i % 26);
    if (raw_write(fds[1], "!", 1) != 1) std::abort();
  });
  char byte = 0;
  if (raw_read(fds[0], &byte, 1) != 1) return 3;
  int sum = 0;
  for (int i = 0; i < 63; ++i) sum += message[i];  // ordered by the byte
  writer.join();
  raw_close(fds[0]);
  raw_close(fds[1]);
  return sum > 0 && byte == '!' ? 0 : 1;
}
