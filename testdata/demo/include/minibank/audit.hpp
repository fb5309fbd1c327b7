// The ledger audit: a fixed team of auditor threads checks the day's transfers in two passes.
#pragma once

#include "minibank/transfer.hpp"

#include <cstddef>
#include <vector>

namespace minibank {

struct AuditReport {
  std::size_t checked = 0;   ///< transfers looked at
  std::size_t suspicious = 0; ///< transfers above a tenth of the day's volume
  Cents volume = 0;          ///< sum of every transfer's amount
};

/// Audits \p transfers with a team of four auditor threads in two passes:
/// the first sums each auditor's share of the volume, the second (once every
/// share is known) flags the transfers above a tenth of the whole volume.
AuditReport audit(const std::vector<Transfer> &transfers);

} // namespace minibank
