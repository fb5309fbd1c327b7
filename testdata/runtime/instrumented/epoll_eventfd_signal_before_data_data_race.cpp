// Unannotated code, built with lockstep_instrument: the look-alike of epoll_eventfd_handoff_norace with
// the worker's last write after its signal (the eventfd write, the epoll_ctl), so nothing orders it
// before main's read of it: one race for each channel.
// expect-reports: 2
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>

namespace {
int through_eventfd[4];
int through_epoll[4];
}  // namespace

int main() {
  const int efd = eventfd(0, 0);
  if (efd < 0) return 2;
  std::atomic<bool> late_written{false};  // relaxed: orders nothing
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) through_eventfd[i] = i + 1;
    const std::uint64_t one = 1;
    if (write(efd, &one, sizeof one) != sizeof one) __builtin_trap();
    through_eventfd[3] = 4;  // after the signal
    late_written.store(true, std::memory_order_relaxed);
  });
  std::uint64_t count = 0;
  if (read(efd, &count, sizeof count) != sizeof count) return 2;
  while (!late_written.load(std::memory_order_relaxed)) std::this_thread::yield();
  int sum = through_eventfd[0] + through_eventfd[3];  // race on [3]
  producer.join();

  const int ep = epoll_create1(0);
  const int ready = eventfd(1, 0);
  if (ep < 0 || ready < 0) return 2;
  late_written.store(false, std::memory_order_relaxed);
  std::thread armer([&] {
    for (int i = 0; i < 3; ++i) through_epoll[i] = i + 10;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = ready;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ready, &ev) != 0) __builtin_trap();
    through_epoll[3] = 13;  // after the signal
    late_written.store(true, std::memory_order_relaxed);
  });
  epoll_event got{};
  if (epoll_wait(ep, &got, 1, 10000) != 1) return 2;
  while (!late_written.load(std::memory_order_relaxed)) std::this_thread::yield();
  sum += through_epoll[0] + through_epoll[3];  // race on [3]
  armer.join();
  close(ready);
  close(ep);
  close(efd);
  return sum == 1 + 4 + 10 + 13 ? 0 : 1;
}
