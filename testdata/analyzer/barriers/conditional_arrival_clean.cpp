// barrier-conditional-arrival look-alikes: conditions every thread agrees on, branches that all arrive, subsets on purpose.
#include <barrier>
#include <cstdio>
#include <latch>
#include <pthread.h>
#include <thread>
#include <vector>

namespace stencil {

constexpr int kWorkers = 4;
constexpr bool kExchange = true;
void Relax(int stripe) { std::printf("relax %d\n", stripe); }
void Reduce() { std::printf("reduce\n"); }

// clean: barrier-conditional-arrival  a shared flag: every worker takes the same side
void SharedFlag(int steps, bool exchange) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        if (exchange)
          sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  a constant condition
void Constant() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      Relax(w);
      if (kExchange)
        sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  a phase count shared by all workers
void SharedCount(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w + s);
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  per-thread branch, an arrival on both sides
void BothSides() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w == 0) {
        Reduce();
        sync.arrive_and_wait();
      } else {
        Relax(w);
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  only the completion work is under 'w == 0'
void LeaderReduces(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        sync.arrive_and_wait();
        if (w == 0)
          Reduce();
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  worker 0 leaves with arrive_and_drop, on purpose
void DropOut(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w == 0) {
        sync.arrive_and_drop();
        return;
      }
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  the per-thread branch only chooses the work before the arrival
void WorkBeforeArrival() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w % 2 == 0)
        Relax(w);
      else
        Relax(-w);
      sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  'w < kWorkers' mentions the index but holds for every worker
void AlwaysTrue() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w < kWorkers)
        sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  a barrier for a subset: the two first workers pair up on purpose
void Pairs() {
  std::barrier pair(2);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      Relax(w);
      if (w < 2)
        pair.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  trip count 'kSteps' for every worker, only the start differs
void Shifted() {
  constexpr int kSteps = 3;
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = w; s < w + kSteps; ++s) {
        Relax(s);
        sync.arrive_and_wait();
      }
    });
}

// clean: barrier-conditional-arrival  a wrong count is barrier-participant-mismatch's finding, reported once
void WrongCount() {
  std::barrier sync(5); // expect: barrier-participant-mismatch
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < w + 1; ++s)
        sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  worker 0 arrives and returns early, the others arrive later: once each
void ReturnAfterArrival() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w == 0) {
        Reduce();
        sync.arrive_and_wait();
        return;
      }
      Relax(w);
      sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  the loop variable is shared by reference: a race, not a per-thread value
void SharedIndex() {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      if (w == 0)
        sync.arrive_and_wait();
    });
}

// clean: barrier-conditional-arrival  a thread id compared with another may match no thread at all
void ById() {
  std::barrier sync(kWorkers);
  std::thread::id lead;
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      if (std::this_thread::get_id() == lead)
        sync.arrive_and_wait();
    });
}

} // namespace stencil

namespace fanin {

void Scan(int shard) { std::printf("scan %d\n", shard); }

// clean: barrier-conditional-arrival  thread 0 counts down for everyone, and the latch starts at 1
void OneForAll() {
  std::latch done(1);
  std::vector<std::jthread> scanners;
  for (int i = 0; i < 4; ++i)
    scanners.emplace_back([&done, i] {
      Scan(i);
      if (i == 0)
        done.count_down();
    });
  done.wait();
}

// clean: barrier-conditional-arrival  the condition depends on the shard's result, not on the thread
void ByResult(const std::vector<int> &sizes) {
  std::latch done(4);
  std::vector<std::jthread> scanners;
  for (int i = 0; i < 4; ++i)
    scanners.emplace_back([&done, &sizes, i] {
      Scan(i);
      if (!sizes.empty())
        done.count_down();
      else
        done.count_down();
    });
  done.wait();
}

} // namespace fanin

namespace pthreads {

void Combine() { std::printf("combine\n"); }

// clean: barrier-conditional-arrival  the serial thread's extra work follows an arrival made by all
void Serial() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 3);
  std::vector<std::jthread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&b] {
      if (pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD)
        Combine();
    });
  ts.clear();
  pthread_barrier_destroy(&b);
}

// clean: barrier-conditional-arrival  both sides of the per-thread branch wait once
void BothWait() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 3);
  std::vector<std::jthread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&b, i] {
      if (i == 0) {
        Combine();
        pthread_barrier_wait(&b);
      } else {
        pthread_barrier_wait(&b);
      }
    });
  ts.clear();
  pthread_barrier_destroy(&b);
}

} // namespace pthreads
