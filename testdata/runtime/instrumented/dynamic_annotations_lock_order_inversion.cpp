// The look-alike of dynamic_annotations_norace.cpp that is wrong: two locks described by the
// __tsan_mutex_* annotations (their tokens travel through pipes) are taken in opposite orders by two
// threads. The runs happen not to deadlock (the threads run one after the other), but the orders
// form a cycle: a potential deadlock.
// expect-stack: 0 transfer
#include <unistd.h>

#include <thread>

#include "pipe_lock.hpp"

namespace {

pipe_lock accounts, journal;

void transfer(pipe_lock &first, pipe_lock &second) {
  first.lock();
  second.lock();
  second.unlock();
  first.unlock();
}

}  // namespace

int main() {
  std::thread a([] { transfer(accounts, journal); });
  a.join();
  std::thread b([] { transfer(journal, accounts); });
  b.join();
  return 0;
}
