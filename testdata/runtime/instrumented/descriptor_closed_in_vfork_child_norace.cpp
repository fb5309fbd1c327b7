// Unannotated code, built with lockstep_instrument: a vfork child closes every inherited descriptor
// before it execs (some programs do, openjdk among them), while another thread of the parent reads
// from one of them. The child's close is the child's own (its descriptor table is a copy), though it
// runs in the parent's memory on the vforking thread's state: no race with the parent's reader. The
// parent's descriptor stays followed: the clean close after the reader is done is silent as well.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

int main() {
  const int fd = open("/dev/zero", O_RDONLY);
  if (fd < 0) return 2;
  std::atomic<bool> reading{false}, stop{false};
  std::thread reader([&] {
    char c;
    while (!stop.load(std::memory_order_relaxed)) {
      if (read(fd, &c, 1) != 1) std::abort();
      reading.store(true, std::memory_order_relaxed);
    }
  });
  while (!reading.load(std::memory_order_relaxed)) std::this_thread::yield();
  const pid_t child = vfork();
  if (child == 0) {
    for (int d = 3; d < 64; ++d) close(d);
    _exit(0);
  }
  if (child < 0) return 2;
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 2;
  stop.store(true, std::memory_order_relaxed);
  reader.join();
  close(fd);
  return 0;
}
