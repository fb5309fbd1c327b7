// The statement-import pipeline: generator and task coroutines from raw text to a summary.
#include "minibank/pipeline.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace minibank {

Generator<std::string> split_lines(std::string text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos)
      end = text.size();
    std::size_t stop = end;
    if (stop > begin && text[stop - 1] == '\r')
      --stop;
    co_yield text.substr(begin, stop - begin);
    begin = end + 1;
  }
}

namespace {

// Splits off the next space-separated field of \p rest; empty when none is left.
std::string_view next_field(std::string_view &rest) {
  std::size_t start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  std::size_t end = rest.find(' ');
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

template <typename Int>
Int parse_number(std::string_view field, const char *what, std::size_t line) {
  Int value{};
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc() || end != field.data() + field.size())
    throw std::runtime_error("statement line " + std::to_string(line) + ": bad " +
                             what + " '" + std::string(field) + "'");
  return value;
}

} // namespace

Generator<Transfer> parse_transfers(Generator<std::string> lines) {
  std::size_t number = 0;
  for (std::string &line : lines) {
    ++number;
    std::string_view rest = line;
    std::size_t first = rest.find_first_not_of(' ');
    if (first == std::string_view::npos || rest[first] == '#')
      continue;
    Transfer t;
    t.id = parse_number<std::uint64_t>(next_field(rest), "id", number);
    t.from = parse_number<std::size_t>(next_field(rest), "source account", number);
    t.to = parse_number<std::size_t>(next_field(rest), "destination account", number);
    t.amount = parse_number<Cents>(next_field(rest), "amount", number);
    std::size_t memo = rest.find_first_not_of(' ');
    if (memo != std::string_view::npos)
      t.memo = std::string(rest.substr(memo));
    co_yield std::move(t);
  }
}

Task<StatementSummary> summarize(Generator<Transfer> transfers) {
  StatementSummary summary;
  for (Transfer &t : transfers) {
    summary.total += t.amount;
    summary.largest = std::max(summary.largest, t.amount);
    summary.transfers.push_back(std::move(t));
  }
  co_return summary;
}

Task<StatementSummary> import_statement(std::string text) {
  StatementSummary summary =
      co_await summarize(parse_transfers(split_lines(std::move(text))));
  co_return summary;
}

} // namespace minibank
