// Unannotated code, built with lockstep_instrument: a worker thread switches to a fiber that ends
// the thread (pthread_exit) without switching back. What the fiber did still happens before the
// join of the thread: the thread ran it, so its exit comes after it (the runtime folds the fiber's
// knowledge into the thread's own state at exit).
#include <pthread.h>

#include "ucontext_fiber.hpp"

namespace {
fiber_place worker_place;
ucontext_fiber<> last;
long result = 0;

void last_words() {
  result = 42;
  pthread_exit(nullptr);  // on the fiber's stack: the thread ends here
}

void *worker(void *) {
  enter_here(worker_place);
  last.start(last_words, "last words");
  switch_fiber(worker_place, last);
  return nullptr;  // never reached
}
}  // namespace

int main() {
  pthread_t t;
  if (pthread_create(&t, nullptr, worker, nullptr) != 0) return 2;
  pthread_join(t, nullptr);
  const long seen = result;
  last.destroy();
  return seen == 42 ? 0 : 1;
}
