// latch-count-mismatch look-alikes: counts that match, or counts known only at run time.
#include <cstdio>
#include <latch>
#include <thread>
#include <vector>

namespace fanin {

void Work(int id) { std::printf("work %d\n", id); }
void Register(std::latch &l);

// clean: latch-count-mismatch  four workers, a latch of four
void RunFour() {
  std::latch done(4);
  std::vector<std::jthread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&done, i] {
      Work(i);
      done.count_down();
    });
  done.wait();
}

// clean: latch-count-mismatch  the number of workers is known only at run time
void RunN(int n) {
  std::latch done(4);
  std::vector<std::jthread> workers;
  for (int i = 0; i < n; ++i)
    workers.emplace_back([&] { done.count_down(); });
  done.wait();
}

// clean: latch-count-mismatch  the latch is handed to code whose body is not seen
void Handed() {
  std::latch done(3);
  std::jthread a([&] { done.count_down(); });
  Register(done);
  done.wait();
}

} // namespace fanin

namespace startgate {

// clean: latch-count-mismatch  two threads and the waiter's arrive_and_wait make three
void ThreeReaders() {
  std::latch ready(3);
  std::jthread a([&] { ready.count_down(); });
  std::jthread b([&] { ready.count_down(); });
  ready.arrive_and_wait();
}

// clean: latch-count-mismatch  count_down(k) with a k known only at run time
void Pairs(int k) {
  std::latch pairs(4);
  std::jthread a([&] { pairs.count_down(k); });
  std::jthread b([&] { pairs.count_down(k); });
  pairs.wait();
}

// clean: latch-count-mismatch  a worker may return early, before its count-down
void MaybeEarly(bool fail) {
  std::latch ready(3);
  std::vector<std::jthread> ws;
  for (int i = 0; i < 2; ++i)
    ws.emplace_back([&] {
      if (fail)
        return;
      ready.count_down();
    });
  ready.wait();
}

// clean: latch-count-mismatch  the count-down is conditional
void Conditional(bool extra) {
  std::latch ready(2);
  std::jthread a([&] { ready.count_down(); });
  if (extra)
    ready.count_down();
  ready.wait();
}

// clean: latch-count-mismatch  nobody waits: too few count-downs block nothing
void NoWaiter() {
  std::latch seen(3);
  std::jthread a([&] { seen.count_down(); });
  if (seen.try_wait())
    std::printf("all seen\n");
}

} // namespace startgate

namespace stencil {

// clean: latch-count-mismatch  3 workers times 2 steps, a latch of 6
void Steps() {
  const int kWorkers = 3;
  std::latch phases(kWorkers * 2);
  std::vector<std::jthread> ws;
  for (int w = 0; w < kWorkers; ++w)
    ws.emplace_back([&] {
      for (int step = 0; step < 2; ++step)
        phases.count_down();
    });
  phases.wait();
}

void SkipOdd(int &i) { i += i % 2; }

// clean: latch-count-mismatch  the loop counter may change in the body
void Skipping() {
  std::latch all(4);
  std::vector<std::jthread> ws;
  for (int i = 0; i < 8; ++i) {
    ws.emplace_back([&] { all.count_down(); });
    SkipOdd(i);
  }
  all.wait();
}

// clean: latch-count-mismatch  a break may end the launch loop early
void Broken(int stop) {
  std::latch all(4);
  std::vector<std::jthread> ws;
  for (int i = 0; i < 4; ++i) {
    if (i == stop)
      break;
    ws.emplace_back([&] { all.count_down(); });
  }
  all.wait();
}

} // namespace stencil

namespace rounds {

// clean: latch-count-mismatch  one latch per round, counted down by that round's threads
void Rounds() {
  for (int r = 0; r < 3; ++r) {
    std::latch round(2);
    std::jthread a([&] { round.count_down(); });
    std::jthread b([&] { round.count_down(); });
    round.wait();
  }
}

// clean: latch-count-mismatch  the thread body is a named lambda, launched elsewhere
void Named() {
  std::latch done(2);
  auto body = [&] { done.count_down(); };
  std::jthread a(body);
  done.wait();
}

} // namespace rounds
