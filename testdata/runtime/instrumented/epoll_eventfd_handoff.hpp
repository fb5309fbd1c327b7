// Data handed from a worker to main through the kernel, for epoll_eventfd_handoff_norace and
// epoll_eventfd_signal_before_data_data_race: through an eventfd (the worker writes a count after
// filling the data, main reads the count, then the data) and through an epoll instance (the worker
// fills the data, then arms a descriptor with epoll_ctl; main's epoll_wait returns the event, then
// main reads the data). With `late`, the worker writes the last element after its signal (a relaxed
// flag, which orders nothing, tells main it is there): one race per channel. The calls are libc's
// functions (libc_calls), or any other way to make the same system calls (raw_syscall_hooks_*).
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>

namespace handoff {

struct libc_calls {
  static int eventfd(unsigned initial) { return ::eventfd(initial, 0); }
  static int epoll_create1() { return ::epoll_create1(0); }
  static int epoll_ctl(int ep, int op, int fd, epoll_event *ev) { return ::epoll_ctl(ep, op, fd, ev); }
  static int epoll_wait(int ep, epoll_event *got, int max, int timeout) { return ::epoll_wait(ep, got, max, timeout); }
  static long write(int fd, const void *buf, long n) { return ::write(fd, buf, static_cast<std::size_t>(n)); }
  static long read(int fd, void *buf, long n) { return ::read(fd, buf, static_cast<std::size_t>(n)); }
};

inline int through_eventfd[4];
inline int through_epoll[4];

// Fills data[0..3] with first..first+3, signalling after the last one (or, if late, before it).
template <class Signal> void fill_and_signal(int *data, int first, bool late, std::atomic<bool> &done, Signal signal) {
  for (int i = 0; i < 3; ++i) data[i] = first + i;
  if (!late) data[3] = first + 3;
  signal();
  if (late) data[3] = first + 3;
  done.store(true, std::memory_order_relaxed);
}

// Both hand-offs; returns the program's exit status.
template <class Calls = libc_calls> int run(bool late) {
  std::atomic<bool> done{false};
  const int efd = Calls::eventfd(0);
  if (efd < 0) return 2;
  std::thread producer([&] {
    fill_and_signal(through_eventfd, 1, late, done, [&] {
      const std::uint64_t one = 1;
      if (Calls::write(efd, &one, sizeof one) != sizeof one) __builtin_trap();
    });
  });
  std::uint64_t count = 0;
  if (Calls::read(efd, &count, sizeof count) != sizeof count) return 2;
  while (late && !done.load(std::memory_order_relaxed)) std::this_thread::yield();
  int sum = through_eventfd[0] + through_eventfd[3];
  producer.join();

  done.store(false, std::memory_order_relaxed);
  const int ep = Calls::epoll_create1();
  const int ready = Calls::eventfd(1);  // readable from the start: armed, it is reported at once
  if (ep < 0 || ready < 0) return 2;
  std::thread armer([&] {
    fill_and_signal(through_epoll, 10, late, done, [&] {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = ready;
      if (Calls::epoll_ctl(ep, EPOLL_CTL_ADD, ready, &ev) != 0) __builtin_trap();
    });
  });
  epoll_event got{};
  if (Calls::epoll_wait(ep, &got, 1, 10000) != 1) return 2;
  while (late && !done.load(std::memory_order_relaxed)) std::this_thread::yield();
  sum += through_epoll[0] + through_epoll[3];
  armer.join();
  close(ready);
  close(ep);
  close(efd);
  return sum == 1 + 4 + 10 + 13 ? 0 : 1;
}

}  // namespace handoff
