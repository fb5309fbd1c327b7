// Unannotated code, built with lockstep_instrument, that uses and closes descriptors correctly across
// threads: the look-alikes of descriptor_closed_while_used_data_race, which must stay silent.
//  - the worker's use ordered before the close: by join, by a mutex and condition variable;
//  - a number closed by one thread and given to another file in a thread not ordered with it (both
//    close their own descriptor: nothing is shared but the number);
//  - dup2 over a descriptor another thread is reading (/dev/null in place: a use, not a close);
//  - a number closed by a raw system call nobody sees and then made again by another unseen call, in a
//    thread not ordered with the first: the close sees another file and drops the stale history;
//  - the same through stdio: a number fopen made and fclose closed, then open in an unordered thread.
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace {

int open_or_exit(const char *path) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) std::exit(2);
  return fd;
}

void read_one(int fd) {
  char c;
  if (read(fd, &c, 1) != 1) std::abort();
}

// `first` on one thread, then, once its relaxed flag is seen (no ordering), `second` on another.
template <class First, class Second> void one_after_the_other_unordered(First first, Second second) {
  std::atomic<bool> done{false};
  std::thread a([&] {
    first();
    done.store(true, std::memory_order_relaxed);
  });
  std::thread b([&] {
    while (!done.load(std::memory_order_relaxed)) std::this_thread::yield();
    second();
  });
  a.join();
  b.join();
}

}  // namespace

int main() {
  int p[2];
  if (pipe(p) != 0) return 2;
  std::thread writer([&] { (void)!write(p[1], "x", 1); });
  writer.join();
  close(p[1]);
  read_one(p[0]);
  close(p[0]);

  const int file = open_or_exit("/dev/zero");
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread reader([&] {
    read_one(file);
    std::lock_guard<std::mutex> g(m);
    done = true;
    cv.notify_one();
  });
  {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return done; });
  }
  close(file);
  reader.join();

  one_after_the_other_unordered(
      [] {
        const int fd = open_or_exit("/dev/zero");
        read_one(fd);
        close(fd);
      },
      [] {
        const int fd = open_or_exit("/dev/zero");  // most likely the same number
        read_one(fd);
        close(fd);
      });

  const int in = open_or_exit("/dev/zero"), null = open_or_exit("/dev/null");
  std::atomic<bool> was_read{false};
  std::thread user([&] {
    read_one(in);
    was_read.store(true, std::memory_order_relaxed);
  });
  while (!was_read.load(std::memory_order_relaxed)) std::this_thread::yield();
  if (dup2(null, in) != in) return 2;  // in now reads /dev/null
  user.join();
  close(null);
  close(in);

  one_after_the_other_unordered(
      [] {
        const int fd = open_or_exit("/dev/zero");
        read_one(fd);
        syscall(SYS_close, fd);  // unseen
      },
      [] {
        const long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);  // unseen, most likely the same number
        if (fd < 0) std::exit(2);
        char c;
        (void)!read(static_cast<int>(fd), &c, 1);
        close(static_cast<int>(fd));
      });

  one_after_the_other_unordered(
      [] {
        FILE *f = fopen("/dev/zero", "r");  // its descriptor made inside libc
        if (!f) std::exit(2);
        (void)fgetc(f);
        fclose(f);
      },
      [] {
        const int fd = open_or_exit("/dev/zero");  // most likely the same number
        read_one(fd);
        close(fd);
      });
  return 0;
}
