// latch-count-mismatch: latches whose count-downs, all known, cannot reach zero exactly.
#include <cstdio>
#include <latch>
#include <thread>
#include <vector>

namespace fanin {

void Work(int id) { std::printf("work %d\n", id); }

// Worker fan-in: four workers count a latch of five down.
void RunFour() {
  std::latch done(5); // expect: latch-count-mismatch "add up to only 4"
  std::vector<std::jthread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&done, i] {
      Work(i);
      done.count_down();
    });
  done.wait();
}

// Too many: eight count-downs on a latch of six (undefined behaviour).
constexpr int kShards = 8;
void RunShards() {
  std::latch done(6); // expect: latch-count-mismatch "undefined behaviour"
  std::vector<std::thread> threads;
  for (int s = 0; s < kShards; ++s)
    threads.push_back(std::thread([&] { done.count_down(); }));
  done.wait();
  for (auto &t : threads)
    t.join();
}

} // namespace fanin

namespace startgate {

// A fixed list of threads, each counting down once, plus the waiter's own
// arrive_and_wait: 3 count-downs for a latch of 4.
void ThreeReaders() {
  std::latch ready(4); // expect: latch-count-mismatch "add up to only 3"
  std::jthread a([&] { ready.count_down(); });
  std::jthread b([&] { ready.count_down(); });
  ready.arrive_and_wait();
}

// count_down(k) with a constant k: 2 + 2 + 2 = 6 on a latch of 4.
void Pairs() {
  std::latch pairs(4); // expect: latch-count-mismatch "add up to 6:"
  std::jthread a([&] { pairs.count_down(2); });
  std::jthread b([&] { pairs.count_down(2); });
  std::jthread c([&] { pairs.count_down(2); });
  pairs.wait();
}

} // namespace startgate

namespace stencil {

// Each of three workers counts down once per constant step: 3 * 2 = 6
// count-downs for a latch of 3.
void Steps() {
  const int kWorkers = 3;
  std::latch phases(kWorkers); // expect: latch-count-mismatch
  std::vector<std::jthread> ws;
  for (int w = 0; w < kWorkers; ++w)
    ws.emplace_back([&] {
      for (int step = 0; step < 2; ++step)
        phases.count_down();
    });
  phases.wait();
}

// Off by one: the loop runs from 1 to 4 (<), three threads for a latch of 4.
void OffByOne() {
  std::latch all(4); // expect: latch-count-mismatch
  std::vector<std::jthread> ws;
  for (int i = 1; i < 4; ++i)
    ws.emplace_back([&] { all.count_down(); });
  all.wait();
}

// Nested launches: 2 groups of 2 threads (4 count-downs) for a latch of 5.
void Groups() {
  std::latch done(5); // expect: latch-count-mismatch
  std::vector<std::jthread> groups;
  for (int g = 0; g < 2; ++g)
    groups.emplace_back([&] {
      std::vector<std::jthread> members;
      for (int m = 0; m < 2; ++m)
        members.emplace_back([&] { done.count_down(); });
    });
  done.wait();
}

} // namespace stencil

namespace rounds {

// One latch per round, but each round starts three threads for a count of 2.
void Rounds() {
  for (int r = 0; r < 3; ++r) {
    std::latch round(2); // expect: latch-count-mismatch "add up to 3"
    std::jthread a([&] { round.count_down(); });
    std::jthread b([&] { round.count_down(); });
    std::jthread c([&] { round.count_down(); });
    round.wait();
  }
}

} // namespace rounds
