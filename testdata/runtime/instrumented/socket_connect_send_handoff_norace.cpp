// Unannotated code, built with lockstep_instrument: data handed over through a TCP connection on the
// loopback interface: what the client wrote before connect() is read after accept(), and what it wrote
// before send() is read after recv(). The system calls order the threads; no race. (Sockets share one
// channel in liblockstep, as in ThreadSanitizer: runtime.md, "Unmodified code".)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace {
int before_connect = 0, before_send = 0;
}  // namespace

int main() {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // any free port
  socklen_t len = sizeof addr;
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr *>(&addr), len) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0 || listen(listener, 1) != 0) {
    std::perror("no loopback TCP here");
    return 1;
  }
  std::thread client([&] {
    const int c = socket(AF_INET, SOCK_STREAM, 0);
    before_connect = 1;
    if (c < 0 || connect(c, reinterpret_cast<sockaddr *>(&addr), len) != 0) __builtin_trap();
    before_send = 2;
    const char byte = 1;
    if (send(c, &byte, 1, 0) != 1) __builtin_trap();
    close(c);
  });
  const int conn = accept(listener, nullptr, nullptr);
  if (conn < 0) return 1;
  const bool connected = before_connect == 1;
  char byte;
  if (recv(conn, &byte, 1, 0) != 1) return 1;
  const bool received = before_send == 2;
  client.join();
  close(conn);
  close(listener);
  return connected && received ? 0 : 1;
}
