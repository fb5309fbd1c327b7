// Unannotated code, built with lockstep_instrument: data handed from thread to thread through a pipe
// and through a socket pair (write the data, then a byte to the channel; read the byte, then the
// data). The system calls order the two threads; no race.
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace {
std::string through_pipe, through_socket;
}  // namespace

int main() {
  int p[2], s[2];
  if (pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return 1;
  std::thread producer([&] {
    through_pipe = "handed over by a pipe";
    const char c = 1;
    if (write(p[1], &c, 1) != 1) __builtin_trap();
    through_socket = "handed over by a socket pair";
    if (send(s[0], &c, 1, 0) != 1) __builtin_trap();
  });
  char c;
  if (read(p[0], &c, 1) != 1) return 1;
  const bool pipe_ok = through_pipe.size() == 21;
  if (recv(s[1], &c, 1, 0) != 1) return 1;
  const bool socket_ok = through_socket.size() == 28;
  producer.join();
  close(p[0]);
  close(p[1]);
  close(s[0]);
  close(s[1]);
  return pipe_ok && socket_ok ? 0 : 1;
}
