// barrier-participant-mismatch: barriers whose participant count differs from the threads that arrive.
#include <barrier>
#include <cstdio>
#include <pthread.h>
#include <thread>
#include <vector>

namespace stencil {

void Relax(int cell) { std::printf("relax %d\n", cell); }

// A phased stencil: four workers, a barrier for five (the creating thread
// does not arrive): no phase ever completes.
void Run(int steps) {
  std::barrier sync(5); // expect: barrier-participant-mismatch "expects 5 participants but 4"
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        sync.arrive_and_wait();
      }
    });
}

// The creating thread arrives too: 3 workers + 1 for a barrier of 3.
void RunWithMain() {
  constexpr int kWorkers = 3;
  std::barrier<> sync(kWorkers); // expect: barrier-participant-mismatch "but 4 threads"
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] { sync.arrive_and_wait(); });
  sync.arrive_and_wait();
  for (auto &t : workers)
    t.join();
}

} // namespace stencil

namespace startgate {

// A fixed list of two threads and a barrier for three.
void TwoOfThree() {
  std::barrier gate(3); // expect: barrier-participant-mismatch
  std::jthread a([&] { gate.arrive_and_wait(); });
  std::jthread b([&] { gate.arrive_and_wait(); });
}

// A barrier with a completion function, workers dropping out at the end:
// still only two participants for three.
void WithCompletion() {
  int phases = 0;
  std::barrier sync(3, [&]() noexcept { ++phases; }); // expect: barrier-participant-mismatch
  std::jthread a([&] {
    sync.arrive_and_wait();
    sync.arrive_and_drop();
  });
  std::jthread b([&] {
    sync.arrive_and_wait();
    sync.arrive_and_drop();
  });
}

} // namespace startgate

namespace pthreads {

// pthread_barrier_t initialised for 4, three threads wait on it.
void Run() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 4); // expect@-1: barrier-participant-mismatch
  std::vector<std::jthread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] { pthread_barrier_wait(&b); });
  ts.clear();
  pthread_barrier_destroy(&b);
}

// Two threads and the creating one, initialised for 2.
void TooMany() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 2); // expect@-1: barrier-participant-mismatch
  std::thread x([&] { pthread_barrier_wait(&b); });
  std::thread y([&] { pthread_barrier_wait(&b); });
  pthread_barrier_wait(&b);
  x.join();
  y.join();
  pthread_barrier_destroy(&b);
}

} // namespace pthreads

namespace phases {

// Workers leave the phase loop on their own condition, but there are three
// of them for a barrier of two, all running at once.
void Leaving(int steps) {
  std::barrier sync(2); // expect: barrier-participant-mismatch "3 threads"
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] {
      for (int s = 0;; ++s) {
        sync.arrive_and_wait();
        if (s == steps)
          break;
      }
    });
  for (auto &t : ts)
    t.join();
}

} // namespace phases
