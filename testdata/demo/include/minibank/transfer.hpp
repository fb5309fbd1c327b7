// The value types every part of minibank passes around: money amounts and transfer orders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace minibank {

/// Money, in cents. Signed so that deltas and overdraft checks need no casts.
using Cents = std::int64_t;

/// One order to move `amount` cents from account `from` to account `to`
/// (indices into the bank's account table).
struct Transfer {
  std::uint64_t id = 0;
  std::size_t from = 0;
  std::size_t to = 0;
  Cents amount = 0;
  std::string memo;
};

} // namespace minibank
