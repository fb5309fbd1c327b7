// Unannotated code, built with lockstep_instrument, that closes descriptors while another thread may
// still be using them: a data race on the descriptor (its number can go to another file at once, and
// the late use then reaches that file). Each time the worker uses a descriptor and then raises a
// relaxed flag, which orders nothing, and main closes it when it sees the flag: through close(), dup2
// onto it (in the other direction: main replaces, the worker closes), fclose of an fdopen, and a raw
// close system call wrapped in the sanitizer hooks (as libuv makes them). One report each. (The clean
// look-alikes, with the close ordered after the use or the number reused, are in
// descriptor_lifecycle_norace.)
// expect-reports: 5
// expect-stderr: file descriptor
// expect-stderr: , which thread T0 created at:
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

extern "C" {
void __sanitizer_syscall_pre_impl_close(long fd);
void __sanitizer_syscall_post_impl_close(long res, long fd);
}

namespace {

// Runs `use` on a worker, waits for its relaxed flag, then runs `close_it` on the calling thread.
template <class Use, class Close> void close_after_unordered_use(Use use, Close close_it) {
  std::atomic<bool> used{false};
  std::thread worker([&] {
    use();
    used.store(true, std::memory_order_relaxed);
  });
  while (!used.load(std::memory_order_relaxed)) std::this_thread::yield();
  close_it();  // race: the worker's use is not ordered before
  worker.join();
}

int open_zero() {
  const int fd = open("/dev/zero", O_RDONLY);
  if (fd < 0) std::exit(2);
  return fd;
}

void read_one(int fd) {
  char c;
  if (read(fd, &c, 1) != 1) std::abort();
}

}  // namespace

int main() {
  int p[2];
  if (pipe(p) != 0) return 2;
  close_after_unordered_use([&] { (void)!write(p[1], "x", 1); }, [&] { close(p[1]); });
  close(p[0]);

  const int file = open_zero();
  close_after_unordered_use([&] { read_one(file); }, [&] { close(file); });

  // dup2 onto a descriptor counts as a use of it (replacing in place is a correct idiom); a close in
  // another thread not ordered after it races.
  const int target = open_zero(), null = open("/dev/null", O_RDONLY);
  std::atomic<bool> replaced{false};
  std::thread closer([&] {
    while (!replaced.load(std::memory_order_relaxed)) std::this_thread::yield();
    close(target);  // race: main's dup2 onto it is not ordered before
  });
  if (dup2(null, target) != target) return 2;
  replaced.store(true, std::memory_order_relaxed);
  closer.join();
  close(null);

  const int wrapped = open_zero();
  close_after_unordered_use([&] { read_one(wrapped); }, [&] {
    FILE *f = fdopen(wrapped, "r");
    if (!f) std::exit(2);
    fclose(f);
  });

  const int raw = open_zero();
  close_after_unordered_use([&] { read_one(raw); }, [&] {
    __sanitizer_syscall_pre_impl_close(raw);
    const long r = syscall(SYS_close, raw);
    __sanitizer_syscall_post_impl_close(r, raw);
  });
  return 0;
}
