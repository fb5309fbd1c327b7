// fetch_quotes(): one thread per rate provider, and a start-to-finish latch the caller waits on.
#include "minibank/rate_feeds.hpp"

#include "minibank/sync.hpp"

#include <array>
#include <thread>

namespace minibank {

namespace {
// The providers whose rates minibank trusts.
constexpr std::array<std::string_view, 4> providers{"ECB", "FED", "BOE", "SNB"};
} // namespace

std::vector<Quote>
fetch_quotes(const std::string &currency,
             const std::function<double(std::string_view provider,
                                        const std::string &currency)> &ask) {
  std::vector<Quote> quotes(providers.size());
  // BUG(latch-count-mismatch): counts the three providers there were before
  // "SNB" was added: the fourth count_down takes the latch below zero
  // (undefined behaviour), and wait() may return while a provider's thread is
  // still writing its quote.
  sync::latch answered(3);
  std::vector<std::jthread> askers;
  for (std::size_t i = 0; i < providers.size(); ++i) {
    askers.emplace_back([&, i] {
      quotes[i].provider = providers[i];
      quotes[i].currency = currency;
      quotes[i].rate = ask(providers[i], currency);
      answered.count_down();
    });
  }
  answered.wait();
  std::vector<Quote> result = quotes;
  return result;
}

} // namespace minibank
