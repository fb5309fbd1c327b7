// Unannotated code, built with lockstep_instrument, that hands data from a worker to main through the
// kernel: an eventfd (the worker writes a count after filling the data, main reads the count, then
// the data), and an epoll instance (the worker fills the data and then arms a descriptor with
// epoll_ctl; main's epoll_wait returns the event, then main reads the data). Both orderings are real,
// and the data is never touched by two threads at once: silent. (The same with the data written
// after the signal: epoll_eventfd_signal_before_data_data_race.)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <thread>

namespace {
int through_eventfd[4];
int through_epoll[4];
}  // namespace

int main() {
  const int efd = eventfd(0, 0);
  if (efd < 0) return 2;
  std::thread producer([&] {
    for (int i = 0; i < 4; ++i) through_eventfd[i] = i + 1;
    const std::uint64_t one = 1;
    if (write(efd, &one, sizeof one) != sizeof one) __builtin_trap();
  });
  std::uint64_t count = 0;
  if (read(efd, &count, sizeof count) != sizeof count) return 2;
  int sum = through_eventfd[0] + through_eventfd[3];
  producer.join();

  const int ep = epoll_create1(0);
  const int ready = eventfd(1, 0);  // readable from the start: armed, it is reported at once
  if (ep < 0 || ready < 0) return 2;
  std::thread armer([&] {
    for (int i = 0; i < 4; ++i) through_epoll[i] = i + 10;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = ready;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ready, &ev) != 0) __builtin_trap();
  });
  epoll_event got{};
  if (epoll_wait(ep, &got, 1, 10000) != 1) return 2;
  sum += through_epoll[0] + through_epoll[3];
  armer.join();
  close(ready);
  close(ep);
  close(efd);
  return sum == 1 + 4 + 10 + 13 ? 0 : 1;
}
