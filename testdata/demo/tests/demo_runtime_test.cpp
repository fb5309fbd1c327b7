// Runs one of minibank's concurrency bugs under liblockstep: `demo_runtime_test race|deadlock|barrier|coro`.
//
// Each scenario makes its bug happen on every run, whatever the scheduling, so
// that the runtime's report (and its exit status, 66 by default) is certain:
//   race      two producers push into one BoundedQueue; each bumps the queue's
//             statistics counter after leaving the queue's lock (a data race).
//   deadlock  two threads transfer between the same two accounts in opposite
//             directions; a latch inside the transfer policy holds each thread
//             until both own their first account lock (a real deadlock).
//   barrier   the ledger audit: its barrier expects one participant more than
//             the auditors who arrive, so every auditor waits for ever while
//             the calling thread waits to join them (a real deadlock).
//   coro      a settlement coroutine keeps the journal locked across its hop
//             to the settlement strand (a lock held across a suspension).
// Without the runtime the race goes unnoticed (exit 0) and the deadlocks hang
// until the watchdog below ends the process with status 3.
#include "minibank/account.hpp"
#include "minibank/audit.hpp"
#include "minibank/bounded_queue.hpp"
#include "minibank/settlement.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <latch>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace minibank;

// Long enough for any deadlock detector, short enough not to stall a test run.
constexpr unsigned watchdog_seconds = 60;

extern "C" void on_watchdog(int) {
  static const char message[] =
      "demo_runtime_test: no report and no progress after the watchdog timeout; giving up\n";
  // Only async-signal-safe calls here.
  ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
  _exit(3);
}

int run_race() {
  BoundedQueue queue(8);
  std::thread producer_a([&] { queue.push(Transfer{1, 0, 1, 500, "from A"}); });
  std::thread producer_b([&] { queue.push(Transfer{2, 1, 0, 700, "from B"}); });
  producer_a.join();
  producer_b.join();
  QueueStats stats = queue.stats();
  std::printf("race: pushed %llu, queued %zu\n",
              static_cast<unsigned long long>(stats.pushed), stats.size);
  return 0;
}

// Lets a transfer proceed only once both transfers hold their source account.
class Rendezvous final : public TransferPolicy {
public:
  bool allow(std::size_t, std::size_t, Cents) override {
    both_hold_first_lock_.arrive_and_wait();
    return true;
  }

private:
  std::latch both_hold_first_lock_{2};
};

int run_deadlock() {
  Account checking(0, 10000);
  Account savings(1, 10000);
  Rendezvous policy;
  std::thread to_savings([&] { checking.transfer_to(savings, 1000, policy); });
  std::thread to_checking([&] { savings.transfer_to(checking, 2000, policy); });
  to_savings.join();
  to_checking.join();
  std::printf("deadlock: did not happen (checking %lld, savings %lld)\n",
              static_cast<long long>(checking.balance()),
              static_cast<long long>(savings.balance()));
  return 0;
}

int run_barrier() {
  std::vector<Transfer> day;
  for (std::uint64_t id = 1; id <= 12; ++id)
    day.push_back(Transfer{id, id % 4, (id + 1) % 4, static_cast<Cents>(100 * id), "day"});
  AuditReport report = audit(day);
  std::printf("barrier: audit finished (%zu checked, %zu suspicious)\n", report.checked,
              report.suspicious);
  return 0;
}

int run_coro() {
  Settlement settlement;
  const Cents total = sync_wait(settlement.settle(500));
  std::printf("coro: settled %lld in %zu booking(s)\n", static_cast<long long>(total),
              settlement.entries());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string_view scenario = argc == 2 ? argv[1] : "";
  // Not for the barrier scenario: while a handler for a signal that may come
  // at any time is installed, liblockstep does not report a wait that only a
  // running thread could end, as the handler might end it (runtime.md,
  // "Condition variables"); there the caller's timeout is the backstop.
  if (scenario != "barrier") {
    std::signal(SIGALRM, on_watchdog);
    alarm(watchdog_seconds);
  }
  if (scenario == "race")
    return run_race();
  if (scenario == "deadlock")
    return run_deadlock();
  if (scenario == "barrier")
    return run_barrier();
  if (scenario == "coro")
    return run_coro();
  std::fprintf(stderr, "usage: %s race|deadlock|barrier|coro\n"
                       "  race      a data race on BoundedQueue's statistics counter\n"
                       "  deadlock  two opposite transfers between the same two accounts\n"
                       "  barrier   the ledger audit's barrier, one participant too many\n"
                       "  coro      a settlement coroutine holding the journal across a hop\n",
               argc > 0 ? argv[0] : "demo_runtime_test");
  return 2;
}
