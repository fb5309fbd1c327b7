// barrier-conditional-arrival: arrivals that only some of the threads reach, on a barrier or latch that counts them all.
#include <barrier>
#include <cstdio>
#include <latch>
#include <pthread.h>
#include <thread>
#include <vector>

namespace stencil {

constexpr int kWorkers = 4;
void Relax(int stripe) { std::printf("relax %d\n", stripe); }
void Exchange(int stripe) { std::printf("exchange %d\n", stripe); }

// The border stripes have no neighbour to exchange with, and their workers
// skip the barrier with the exchange: the inner workers wait forever.
void Borders(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&sync, steps, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        if (w > 0 && w < kWorkers - 1) {
          Exchange(w);
          sync.arrive_and_wait(); // expect: barrier-conditional-arrival "only by the threads for which 'w > 0 && w < kWorkers - 1' is true"
        }
      }
    });
}

// Each worker runs one step more than the one before: the trip count of
// the phase loop depends on the worker's index.
void Staggered() {
  std::barrier<> sync(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < w + 1; ++s) {
        Relax(w);
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival "a number of times that differs"
      }
    });
  for (auto &t : workers)
    t.join();
}

// Worker 0 has nothing to relax and returns at once; the barrier still
// counts it, and the others block in their first phase.
void EarlyReturn(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      if (w == 0)
        return;
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival "is false"
      }
    });
}

// Odd workers skip every phase with `continue`.
void Skipping(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        if (w % 2 == 1)
          continue;
        Relax(w);
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival "'w % 2 == 1' is false"
      }
    });
}

// The last worker leaves the phase loop before arriving.
void Leaving(int steps) {
  std::barrier sync(kWorkers);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int s = 0; s < steps; ++s) {
        Relax(w);
        if (w == kWorkers - 1)
          break;
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival
      }
    });
}

// The creating thread takes part too (kWorkers + 1), but only worker 0
// arrives: the other workers' places stay empty.
void LeaderOnly() {
  std::barrier sync(kWorkers + 1);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      Relax(w);
      if (w == 0)
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival "'w == 0' is true"
    });
  sync.arrive_and_wait();
}

// Two groups of workers share the barrier; in the second, only worker 1
// arrives.
void TwoGroups() {
  std::barrier sync(kWorkers + 2);
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      Relax(w);
      sync.arrive_and_wait();
    });
  for (int h = 0; h < 2; ++h)
    workers.emplace_back([&, h] {
      if (h == 1)
        sync.arrive_and_wait(); // expect: barrier-conditional-arrival "'h == 1' is true"
    });
}

} // namespace stencil

namespace fanin {

void Scan(int shard) { std::printf("scan %d\n", shard); }

// Only the even shards report in: the latch counts every shard, so the
// collector never wakes up.
void EvenShards() {
  constexpr int kShards = 6;
  std::latch done(kShards);
  std::vector<std::jthread> scanners;
  for (int i = 0; i < kShards; ++i)
    scanners.emplace_back([&done, i] {
      Scan(i);
      if (i % 2 == 0)
        done.count_down(); // expect: barrier-conditional-arrival "latch 'done' is counted down here only"
    });
  done.wait();
}

// The shard number reaches the thread as a launch argument.
void ByArgument(int n) {
  std::latch done(n);
  std::vector<std::thread> scanners;
  for (int i = 0; i < n; ++i)
    scanners.emplace_back(
        [&done](int shard) {
          Scan(shard);
          if (shard != 0)
            done.count_down(); // expect: barrier-conditional-arrival "'shard != 0' is true"
        },
        i);
  done.wait();
  for (auto &t : scanners)
    t.join();
}

} // namespace fanin

namespace startgate {

void Serve(int id) { std::printf("serve %d\n", id); }

// A start gate for n threads that the first thread walks past.
void Gate(int n) {
  std::latch ready(n);
  std::vector<std::jthread> servers;
  for (int i = 0; i < n; ++i)
    servers.emplace_back([&ready, first = i == 0, i] {
      if (!first)
        ready.arrive_and_wait(); // expect: barrier-conditional-arrival "'!first' is true"
      Serve(i);
    });
}

// pthreads: only the thread with id 0 waits at the barrier set up for all.
void Pthreads() {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, 3);
  std::vector<std::jthread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back(
        [&b](int id) {
          Serve(id);
          if (id == 0)
            pthread_barrier_wait(&b); // expect: barrier-conditional-arrival "barrier 'b'"
        },
        i);
  ts.clear();
  pthread_barrier_destroy(&b);
}

} // namespace startgate
