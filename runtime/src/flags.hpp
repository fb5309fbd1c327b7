// The runtime's options (LOCKSTEP_OPTIONS), parsed once from the environment.
//
// Contract: `flags()` may be called from any thread at any time, including before
// main, from interposed functions and during static destruction; the first call parses
// LOCKSTEP_OPTIONS (the suppressions file is loaded by the reporting layer's
// initialisation, see report.hpp). A malformed option string exits the
// process with status 2 after a message on stderr: a typo must never silently become a
// default. The returned object never changes afterwards and is never destroyed.
#pragma once

#include <string>
#include <string_view>

namespace lockstep::rt {

struct flags_t {
#define LOCKSTEP_FLAG(type, name, default_value, description) type name = default_value;
#include "flags.inc"
#undef LOCKSTEP_FLAG
};

// The process's flags; parses LOCKSTEP_OPTIONS on first use (see above).
const flags_t &flags();

// Parses `text` (key=value pairs separated by ':' or whitespace; a value may be quoted
// with '"' or '\'' to hold those separators) on top of `out`. On a malformed pair, an
// unknown key, a bad value or an out-of-range number, returns false with `error` set to
// a one-line message naming the offending pair; `out` may then be partly updated.
bool parse_flags(std::string_view text, flags_t &out, std::string &error);

// The `help=1` text: every flag with its type, default and description.
std::string flags_help_text();

}  // namespace lockstep::rt
