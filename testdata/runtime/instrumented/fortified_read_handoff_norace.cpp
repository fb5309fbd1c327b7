// Unannotated code, built with lockstep_instrument: a hand-off through a pipe and a socket pair read with
// the fortified receives (_FORTIFY_SOURCE turns read and recv into __read_chk and __recv_chk where the
// buffer's size is known; libc then makes the system call without calling read or recv). The writer
// fills a message, then writes a byte; the reader uses the message once that byte arrived. Must stay
// silent: the byte orders the message, whichever form read it.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <thread>

extern "C" ssize_t __read_chk(int, void *, std::size_t, std::size_t);
extern "C" ssize_t __recv_chk(int, void *, std::size_t, std::size_t, int);

namespace {
char message[64], reply[64];
}  // namespace

int main() {
  int fds[2], pair[2];
  if (pipe(fds) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 2;
  std::thread writer([&] {
    for (int i = 0; i < 63; ++i) message[i] = static_cast<char>('a' + i % 26);
    if (write(fds[1], "!", 1) != 1) std::abort();
    char byte[8];
    if (__recv_chk(pair[1], byte, 1, sizeof byte, 0) != 1) std::abort();
    int sum = 0;
    for (int i = 0; i < 63; ++i) sum += reply[i];
    if (sum == 0) std::abort();
  });
  char byte[8];
  if (__read_chk(fds[0], byte, 1, sizeof byte) != 1) return 3;
  int sum = 0;
  for (int i = 0; i < 63; ++i) sum += message[i];
  for (int i = 0; i < 63; ++i) reply[i] = static_cast<char>(sum + i);
  if (send(pair[0], "!", 1, 0) != 1) return 4;
  writer.join();
  return sum > 0 ? 0 : 1;
}
