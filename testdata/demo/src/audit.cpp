// audit(): four auditor threads check the day's transfers in two passes, in lock-step (a barrier).
#include "minibank/audit.hpp"

#include "minibank/sync.hpp"

#include <array>
#include <thread>

namespace minibank {

namespace {
constexpr int auditors = 4;
} // namespace

AuditReport audit(const std::vector<Transfer> &transfers) {
  std::array<Cents, auditors> shares{};
  std::array<std::size_t, auditors> flagged{};
  // BUG(barrier-participant-mismatch): sized for the auditors plus the calling
  // thread, "so that it can watch the passes", but the calling thread never
  // arrives: the first pass never completes and every auditor waits forever.
  sync::barrier<> pass_done(auditors + 1);
  {
    std::vector<std::jthread> team;
    for (int a = 0; a < auditors; ++a) {
      team.emplace_back([&, a] {
        const std::size_t first = transfers.size() * a / auditors;
        const std::size_t last = transfers.size() * (a + 1) / auditors;
        // Pass 1: this auditor's share of the day's volume.
        for (std::size_t i = first; i < last; ++i)
          shares[a] += transfers[i].amount;
        pass_done.arrive_and_wait();
        // Pass 2: every share is in; flag the large transfers.
        Cents volume = 0;
        for (Cents share : shares)
          volume += share;
        for (std::size_t i = first; i < last; ++i)
          if (transfers[i].amount * 10 > volume)
            ++flagged[a];
      });
    }
  } // the auditors are joined here
  AuditReport report;
  report.checked = transfers.size();
  for (int a = 0; a < auditors; ++a) {
    report.volume += shares[a];
    report.suspicious += flagged[a];
  }
  return report;
}

} // namespace minibank
