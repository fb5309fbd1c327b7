// Data handed from a worker to main through the kernel, for epoll_eventfd_handoff_norace and
// epoll_eventfd_signal_before_data_data_race: through an eventfd (the worker writes a count after
// filling the data, main reads the count, then the data) and through an epoll instance (the worker
// fills the data, then arms a descriptor with epoll_ctl; main's epoll_wait returns the event, then
// main reads the data). With `late`, the worker writes the last element after its signal (a relaxed
// flag, which orders nothing, tells main it is there): one race per channel.
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>

namespace handoff {

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
inline int run(bool late) {
  std::atomic<bool> done{false};
  const int efd = eventfd(0, 0);
  if (efd < 0) return 2;
  std::thread producer([&] {
    fill_and_signal(through_eventfd, 1, late, done, [&] {
      const std::uint64_t one = 1;
      if (write(efd, &one, sizeof one) != sizeof one) __builtin_trap();
    });
  });
  std::uint64_t count = 0;
  if (read(efd, &count, sizeof count) != sizeof count) return 2;
  while (late && !done.load(std::memory_order_relaxed)) std::this_thread::yield();
  int sum = through_eventfd[0] + through_eventfd[3];
  producer.join();

  done.store(false, std::memory_order_relaxed);
  const int ep = epoll_create1(0);
  const int ready = eventfd(1, 0);  // readable from the start: armed, it is reported at once
  if (ep < 0 || ready < 0) return 2;
  std::thread armer([&] {
    fill_and_signal(through_epoll, 10, late, done, [&] {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = ready;
      if (epoll_ctl(ep, EPOLL_CTL_ADD, ready, &ev) != 0) __builtin_trap();
    });
  });
  epoll_event got{};
  if (epoll_wait(ep, &got, 1, 10000) != 1) return 2;
  while (late && !done.load(std::memory_order_relaxed)) std::this_thread::yield();
  sum += through_epoll[0] + through_epoll[3];
  armer.join();
  close(ready);
  close(ep);
  close(efd);
  return sum == 1 + 4 + 10 + 13 ? 0 : 1;
}

}  // namespace handoff
