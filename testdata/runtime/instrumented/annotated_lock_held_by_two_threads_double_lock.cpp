// A lock described by annotations (annotated_spin_lock.hpp), broken: a try-lock that forgets to check
// the flag, so the worker takes it while main holds it, and the annotations say both hold it
// exclusively. Reported as a double lock (the lock does not exclude), with the first holder; the
// program goes on. The same lock used correctly, handed from thread to thread, stays silent (the
// second half: its annotations are right, and the holders alternate).
// expect-reports: 1
// expect-stderr: while another thread holds it exclusively
#include <thread>

#include "annotated_spin_lock.hpp"

int main() {
  annotated_spin_lock broken;
  broken.lock();
  std::thread intruder([&] {
    broken.lock_without_looking();  // double lock: main holds it
    broken.unlock();
  });
  intruder.join();

  annotated_spin_lock fine;
  int counter = 0;
  std::thread a([&] {
    for (int i = 0; i < 1000; ++i) {
      fine.lock();
      ++counter;
      fine.unlock();
    }
  });
  for (int i = 0; i < 1000; ++i) {
    fine.lock();
    ++counter;
    fine.unlock();
  }
  a.join();
  return counter == 2000 ? 0 : 1;
}
