// Fetching the day's exchange rates from the rate providers, all at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace minibank {

struct Quote {
  std::string provider;
  std::string currency;
  double rate = 0; ///< 0 when the provider did not answer
};

/// Asks every provider minibank uses for its rate of \p currency, one thread
/// per provider, and returns their answers in the providers' order. \p ask
/// performs one request; it must be callable from several threads at once.
std::vector<Quote>
fetch_quotes(const std::string &currency,
             const std::function<double(std::string_view provider,
                                        const std::string &currency)> &ask);

} // namespace minibank
