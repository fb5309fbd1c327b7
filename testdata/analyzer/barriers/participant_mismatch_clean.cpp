// barrier-participant-mismatch look-alikes: counts that match, known only at run time, or threads in turns.
#include <barrier>
#include <cstdio>
#include <pthread.h>
#include <thread>
#include <vector>

namespace stencil {

void Relax(int cell) { std::printf("relax %d\n", cell); }
void Join(std::barrier<> &b);

// clean: barrier-participant-mismatch  four workers, a barrier for four
void Run(int steps) {
  std::barrier sync(4);
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-participant-mismatch  the creating thread makes the fourth participant
void RunWithMain() {
  constexpr int kWorkers = 3;
  std::barrier<> sync(kWorkers + 1);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] { sync.arrive_and_wait(); });
  sync.arrive_and_wait();
  for (auto &t : workers)
    t.join();
}

// clean: barrier-participant-mismatch  the number of workers is known only at run time
void RunN(int n) {
  std::barrier sync(4);
  std::vector<std::jthread> workers;
  for (int w = 0; w < n; ++w)
    workers.emplace_back([&] { sync.arrive_and_wait(); });
}

// clean: barrier-participant-mismatch  the barrier is handed to code whose body is not seen
void Handed() {
  std::barrier<> sync(3);
  std::jthread a([&] { sync.arrive_and_wait(); });
  std::jthread b([&] { Join(sync); });
  sync.arrive_and_wait();
}

} // namespace stencil

namespace startgate {

// clean: barrier-participant-mismatch  two rounds of two threads, each round joined before the next
void Rounds() {
  std::barrier gate(2);
  for (int r = 0; r < 2; ++r) {
    std::vector<std::jthread> pair;
    for (int i = 0; i < 2; ++i)
      pair.emplace_back([&] { gate.arrive_and_wait(); });
  }
}

// clean: barrier-participant-mismatch  blocks of threads one after the other
void Blocks() {
  std::barrier gate(2);
  {
    std::jthread a([&] { gate.arrive_and_wait(); });
    std::jthread b([&] { gate.arrive_and_wait(); });
  }
  {
    std::jthread c([&] { gate.arrive_and_wait(); });
    std::jthread d([&] { gate.arrive_and_wait(); });
  }
}

// clean: barrier-participant-mismatch  one worker arrives only on some runs
void Maybe(bool three) {
  std::barrier gate(3);
  std::jthread a([&] { gate.arrive_and_wait(); });
  std::jthread b([&] { gate.arrive_and_wait(); });
  if (three)
    gate.arrive_and_wait();
}

// clean: barrier-participant-mismatch  a worker may return before arriving
void Early(bool fail) {
  std::barrier gate(2);
  std::jthread a([&] {
    if (fail)
      return;
    gate.arrive_and_wait();
  });
  std::jthread b([&] { gate.arrive_and_wait(); });
}

} // namespace startgate

namespace pthreads {

// clean: barrier-participant-mismatch  three threads and the creating one, initialised for 4
void Run() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 4);
  std::vector<std::jthread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] { pthread_barrier_wait(&b); });
  pthread_barrier_wait(&b);
  ts.clear();
  pthread_barrier_destroy(&b);
}

// clean: barrier-participant-mismatch  the count comes from the caller
void Counted(unsigned n) {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, n);
  std::jthread x([&] { pthread_barrier_wait(&b); });
  pthread_barrier_wait(&b);
  x.join();
  pthread_barrier_destroy(&b);
}

} // namespace pthreads

namespace phases {

// clean: barrier-participant-mismatch  the coordinator takes part in every phase
void Coordinated(int steps) {
  std::barrier sync(3);
  std::vector<std::jthread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&] {
      for (int s = 0; s < steps; ++s)
        sync.arrive_and_wait();
    });
  for (int s = 0; s < steps; ++s)
    sync.arrive_and_wait();
}

// clean: barrier-participant-mismatch  a worker leaves the phase loop on its own condition
void Leaving(int steps) {
  std::barrier sync(2);
  std::jthread a([&] {
    for (int s = 0;; ++s) {
      sync.arrive_and_wait();
      if (s == steps)
        break;
    }
  });
  std::jthread b([&] {
    for (int s = 0;; ++s) {
      sync.arrive_and_wait();
      if (s == steps)
        break;
    }
  });
}

} // namespace phases
