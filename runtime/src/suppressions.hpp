// Suppressions: `kind:pattern` lines that silence matching reports (like TSan's files).
//
// Format, one rule per line; blank lines are ignored, and '#' at the start of a line or after a
// blank starts a comment:
//     <kind>:<pattern>   # optional comment
// <kind> is a report kind ("data-race", "deadlock", ...) or a glob over them ("lock-*",
// "*"); it must match at least one known kind. <pattern> is a glob ('*' any run of
// characters, '?' one character, no other specials) matched against the whole of, for
// every frame of every event stack of the report: the demangled function name, the same
// name without its parameter list ("Counter::add" for "Counter::add(int)"), the source
// file path and its base name, the module path and its base name. A malformed line, or a
// control byte (a binary file), is an error naming the file and line.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stack.hpp"

namespace lockstep::rt {

// The report kinds of DESIGN.md's table, the vocabulary of suppression kinds.
// (Constant-initialised: no function-local static, whose guard the runtime interposes.)
inline constexpr std::array<std::string_view, 16> known_report_kinds = {
    "data-race",          "double-lock",           "unlock-not-owner",  "unlock-not-locked",
    "destroy-locked-mutex", "lock-order-inversion", "deadlock",          "cv-multiple-mutexes",
    "cv-wait-without-lock", "semaphore-over-release", "barrier-overflow", "latch-underflow",
    "coro-resume-after-destroy", "coro-resume-while-running", "coro-lock-across-suspend", "thread-leak"};

// Whole-string glob match with '*' and '?'.
bool glob_match(std::string_view pattern, std::string_view text);

struct suppression {
  std::string kind;     // glob over report kinds
  std::string pattern;  // glob over function, file and module names
  int line = 0;         // line in its file, for messages
  std::uint64_t hits = 0;
};

class suppression_list {
 public:
  // Parses the text of a suppressions file; `source` names it in messages. On a
  // malformed line returns false with `error` = "<source>:<line>: <what is wrong>" and
  // keeps the rules parsed before it.
  bool parse(std::string_view text, std::string_view source, std::string &error);
  // Reads and parses a file; an unreadable file is an error too.
  bool load_file(const std::string &path, std::string &error);

  // The first rule matching a report of `kind` whose symbolized event stacks are
  // `stacks`, with its hit count incremented; nullptr when none matches.
  const suppression *match(std::string_view kind, const std::vector<const std::vector<frame> *> &stacks);

  const std::vector<suppression> &rules() const { return rules_; }

 private:
  std::vector<suppression> rules_;
};

}  // namespace lockstep::rt
