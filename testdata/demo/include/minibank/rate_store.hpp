// Exchange rates: a readers/writers store (std::shared_mutex) with a change history.
#pragma once

#include "minibank/transfer.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace minibank {

struct RateChange {
  std::uint64_t sequence = 0;
  std::string currency;
  double old_rate = 0; ///< 0 when the currency was new
  double new_rate = 0; ///< 0 when the currency was removed
};

/// Rates are read far more often than written: lookups share the lock,
/// updates take it exclusively. Every update is also appended to a history.
/// Rates are units of the base currency per unit of the quoted one.
class RateStore {
public:
  /// Throws std::invalid_argument unless \p rate is finite and positive and
  /// \p currency is a three-letter code.
  void set_rate(const std::string &currency, double rate);
  /// Returns false when the currency was not quoted.
  bool remove_currency(const std::string &currency);
  std::optional<double> rate(const std::string &currency) const;
  /// \p amount in \p from converted to \p to, rounded to the nearest cent;
  /// std::nullopt when either currency is not quoted.
  std::optional<Cents> convert(Cents amount, const std::string &from,
                               const std::string &to) const;
  std::vector<RateChange> history() const;
  /// Drops the history of currencies that are no longer quoted; returns how
  /// many entries were dropped.
  std::size_t prune_history();

private:
  mutable std::shared_mutex rates_mutex_;
  std::map<std::string, double> rates_;
  mutable std::mutex history_mutex_;
  std::vector<RateChange> history_;
  std::uint64_t next_sequence_ = 1; // guarded by history_mutex_
};

} // namespace minibank
