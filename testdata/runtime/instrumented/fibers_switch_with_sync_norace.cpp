// Unannotated code, built with lockstep_instrument, on fibers of its own (ucontext) that tell the
// runtime about every switch through ThreadSanitizer's fiber API: switching with synchronization
// orders what the old fiber did before what the new one does, so nothing may be reported.
//  - Three fibers on the main thread take turns appending to one log, in a ring of switches.
//  - A fiber carries data from the main thread to a worker: the worker reads what main wrote, and
//    the only order between the two threads is the fiber's two switches (the hand-off between the
//    threads goes through relaxed atomics, which order nothing).
//  - 20,000 fibers created and destroyed one after another (more than the runtime has thread slots:
//    destroying a fiber must give its slot back; a creation that fails exits with 3).
#include <atomic>
#include <thread>

#include "ucontext_fiber.hpp"

namespace {
constexpr int ring = 3, rounds = 200;

fiber_place main_place;
ucontext_fiber<> ring_fibers[ring];
int log_size = 0;
int log_entries[ring * rounds];

// Ring member i appends its number, then passes the turn to the next one; the last returns to main.
template <int i> void ring_member() {
  for (;;) {
    log_entries[log_size] = i;
    log_size = log_size + 1;
    if (i + 1 < ring)
      switch_fiber(ring_fibers[i], ring_fibers[i + 1]);
    else
      switch_fiber(ring_fibers[i], main_place);
  }
}

// The carrier: runs first on main, then on the worker.
ucontext_fiber<> carrier;
fiber_place worker_place;
long parcel[4];
long carried = 0;

void carry() {
  carried = parcel[0] + parcel[3];  // on main
  switch_fiber(carrier, main_place);
  carried = carried + parcel[1];  // on the worker
  switch_fiber(carrier, worker_place);
}

std::atomic<int> stage{0};  // relaxed: the threads' hand-off, which orders nothing
long worker_saw = 0;

void worker() {
  enter_here(worker_place);
  stage.store(1, std::memory_order_relaxed);
  while (stage.load(std::memory_order_relaxed) != 2) std::this_thread::yield();
  switch_fiber(worker_place, carrier);
  worker_saw = parcel[2] + carried;  // ordered after main's writes through the carrier's switches
}

ucontext_fiber<> short_lived;
int short_lived_runs = 0;
void run_once() {
  short_lived_runs = short_lived_runs + 1;
  switch_fiber(short_lived, main_place);
}
}  // namespace

int main() {
  enter_here(main_place);
  ring_fibers[0].start(ring_member<0>, "ring 0");
  ring_fibers[1].start(ring_member<1>, "ring 1");
  ring_fibers[2].start(ring_member<2>, "ring 2");
  for (int r = 0; r < rounds; ++r) switch_fiber(main_place, ring_fibers[0]);
  for (int k = 0; k < ring * rounds; ++k)
    if (log_entries[k] != k % ring) return 1;
  for (auto &f : ring_fibers) f.destroy();

  carrier.start(carry, "carrier");
  std::thread helper(worker);  // started before the parcel is written
  while (stage.load(std::memory_order_relaxed) != 1) std::this_thread::yield();
  for (int k = 0; k < 4; ++k) parcel[k] = k + 1;
  switch_fiber(main_place, carrier);
  stage.store(2, std::memory_order_relaxed);
  helper.join();
  carrier.destroy();
  if (worker_saw != 3 + 5 + 2) return 1;

  for (int k = 0; k < 20000; ++k) {
    if (!short_lived.start(run_once, "short-lived")) return 3;
    switch_fiber(main_place, short_lived);
    short_lived.destroy();
  }
  return short_lived_runs == 20000 ? 0 : 1;
}
