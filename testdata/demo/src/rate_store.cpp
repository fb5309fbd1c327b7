// RateStore: concurrent exchange-rate lookups (shared lock) and updates with history (exclusive lock).
#include "minibank/rate_store.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace minibank {

namespace {
void check_currency(const std::string &currency) {
  bool upper = std::all_of(currency.begin(), currency.end(),
                           [](char c) { return c >= 'A' && c <= 'Z'; });
  if (currency.size() != 3 || !upper)
    throw std::invalid_argument("RateStore: '" + currency +
                                "' is not a three-letter currency code");
}
} // namespace

void RateStore::set_rate(const std::string &currency, double rate) {
  check_currency(currency);
  if (!std::isfinite(rate) || rate <= 0)
    throw std::invalid_argument("RateStore: the rate for " + currency +
                                " must be finite and positive");
  std::unique_lock rates_lock(rates_mutex_);
  auto it = rates_.find(currency);
  double old_rate = it == rates_.end() ? 0 : it->second;
  rates_[currency] = rate;
  // Appended while rates_mutex_ is still held, so that the history lists
  // changes in the order readers could observe them.
  std::lock_guard history_lock(history_mutex_);
  history_.push_back(RateChange{next_sequence_++, currency, old_rate, rate});
}

bool RateStore::remove_currency(const std::string &currency) {
  std::unique_lock rates_lock(rates_mutex_);
  auto it = rates_.find(currency);
  if (it == rates_.end())
    return false;
  double old_rate = it->second;
  rates_.erase(it);
  std::lock_guard history_lock(history_mutex_);
  history_.push_back(RateChange{next_sequence_++, currency, old_rate, 0});
  return true;
}

std::optional<double> RateStore::rate(const std::string &currency) const {
  std::shared_lock lock(rates_mutex_);
  auto it = rates_.find(currency);
  if (it == rates_.end())
    return std::nullopt;
  return it->second;
}

std::optional<Cents> RateStore::convert(Cents amount, const std::string &from,
                                        const std::string &to) const {
  std::shared_lock lock(rates_mutex_);
  auto f = rates_.find(from);
  auto t = rates_.find(to);
  if (f == rates_.end() || t == rates_.end())
    return std::nullopt;
  return static_cast<Cents>(std::llround(static_cast<double>(amount) * f->second / t->second));
}

std::vector<RateChange> RateStore::history() const {
  std::lock_guard lock(history_mutex_);
  return history_;
}

std::size_t RateStore::prune_history() {
  std::lock_guard history_lock(history_mutex_);
  // BUG(lock-order-inversion): set_rate() and remove_currency() take
  // rates_mutex_ and then history_mutex_; this takes them the other way round,
  // so a pruner holding history_mutex_ and a writer holding rates_mutex_
  // each wait for the other's lock forever.
  std::shared_lock rates_lock(rates_mutex_);
  auto before = history_.size();
  std::erase_if(history_, [this](const RateChange &change) {
    return rates_.find(change.currency) == rates_.end();
  });
  return before - history_.size();
}

} // namespace minibank
