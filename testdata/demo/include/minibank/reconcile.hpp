// End-of-day reconciliation: a phased parallel computation (start latch + barrier).
#pragma once

#include "minibank/transfer.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace minibank {

struct Reconciliation {
  std::vector<Cents> balances;     ///< closing balance of every account
  Cents total = 0;                 ///< sum of the closing balances
  std::size_t applied = 0;         ///< transfers that passed validation
  std::vector<std::string> errors; ///< one line per rejected transfer, sorted
};

/// Applies \p transfers to \p opening balances with \p workers threads:
/// phase 1 validates a slice of the transfers per worker and accumulates
/// per-worker deltas, phase 2 sums a slice of the accounts per worker. A
/// transfer is rejected when an account index is out of range, the accounts
/// are the same or the amount is not positive. Overdrafts are allowed here:
/// reconciliation reports balances, it does not enforce limits.
/// Throws std::invalid_argument when \p workers is 0.
Reconciliation reconcile(const std::vector<Cents> &opening,
                         const std::vector<Transfer> &transfers,
                         std::size_t workers);

} // namespace minibank
