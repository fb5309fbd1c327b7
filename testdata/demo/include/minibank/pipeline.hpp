// The statement-import pipeline: text -> lines -> transfers -> totals, as chained coroutines.
#pragma once

#include "minibank/coro.hpp"
#include "minibank/transfer.hpp"

#include <string>
#include <vector>

namespace minibank {

/// Yields each line of \p text without its line terminator.
Generator<std::string> split_lines(std::string text);

/// Parses lines of the form `<id> <from> <to> <amount-in-cents> [memo...]`;
/// blank lines and lines starting with '#' are skipped. Throws
/// std::runtime_error naming the line number for a malformed line.
Generator<Transfer> parse_transfers(Generator<std::string> lines);

struct StatementSummary {
  std::vector<Transfer> transfers;
  Cents total = 0;
  Cents largest = 0;
};

/// Collects every transfer of \p lines with its total and largest amount.
Task<StatementSummary> summarize(Generator<Transfer> transfers);

/// The whole pipeline over a statement's text.
Task<StatementSummary> import_statement(std::string text);

} // namespace minibank
