// Parsing LOCKSTEP_OPTIONS into the flag table of flags.inc, and the `help=1` listing.
#include "flags.hpp"

#include <charconv>
#include <cstdlib>
#include <new>
#include <atomic>
#include <sched.h>
#include <unistd.h>

namespace lockstep::rt {
namespace {

bool is_separator(char c) { return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One overload per flag type, chosen by the table's declared type.
bool parse_value(std::string_view text, bool &out, std::string &why) {
  if (text == "1" || text == "true" || text == "yes") { out = true; return true; }
  if (text == "0" || text == "false" || text == "no") { out = false; return true; }
  why = "expected a boolean (0, 1, true, false, yes, no)";
  return false;
}

bool parse_value(std::string_view text, int &out, std::string &why) {
  int value = 0;
  const char *first = text.data(), *last = text.data() + text.size();
  if (!text.empty() && *first == '+') ++first;  // from_chars rejects '+', users may write it
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec != std::errc() || ptr != last) {
    why = ec == std::errc::result_out_of_range ? "number out of range" : "expected a decimal integer";
    return false;
  }
  out = value;
  return true;
}

bool parse_value(std::string_view text, std::string &out, std::string &) {
  out.assign(text);
  return true;
}

const char *type_name(const bool *) { return "bool"; }
const char *type_name(const int *) { return "int"; }
const char *type_name(const std::string *) { return "string"; }

std::string show(bool v) { return v ? "1" : "0"; }
std::string show(int v) { return std::to_string(v); }
std::string show(const std::string &v) { return "\"" + v + "\""; }

// Range rules that the table's types cannot express.
bool validate(const flags_t &f, std::string &error) {
  if (f.exitcode < 0 || f.exitcode > 255) {
    error = "exitcode=" + std::to_string(f.exitcode) + " is not an exit status (0..255)";
    return false;
  }
  if (f.verbosity < 0) {
    error = "verbosity=" + std::to_string(f.verbosity) + " must be >= 0";
    return false;
  }
  if (f.max_lock_order_reports < 0) {
    error = "max_lock_order_reports=" + std::to_string(f.max_lock_order_reports) + " must be >= 0 (0: no limit)";
    return false;
  }
  if (f.shadow_id_epochs < 1 || f.shadow_id_epochs > 16383) {
    error = "shadow_id_epochs=" + std::to_string(f.shadow_id_epochs) + " is out of range (1..16383)";
    return false;
  }
  if (f.shadow_ids < 2 || f.shadow_ids > 255) {
    error = "shadow_ids=" + std::to_string(f.shadow_ids) + " is out of range (2..255)";
    return false;
  }
  if (f.deadlock_check_ms < 1) {
    error = "deadlock_check_ms=" + std::to_string(f.deadlock_check_ms) + " must be >= 1";
    return false;
  }
  return true;
}

bool set_flag(flags_t &f, std::string_view key, std::string_view value, std::string &why) {
#define LOCKSTEP_FLAG(type, name, default_value, description) \
  if (key == #name) return parse_value(value, f.name, why);
#include "flags.inc"
#undef LOCKSTEP_FLAG
  why = "unknown option";
  return false;
}

void write_stderr(const std::string &text) {
  const char *p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(2, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The flags live in static storage that is never destroyed, so reports during static
// destruction still see them; a function-local static would also go through
// __cxa_guard_*, which the runtime interposes.
alignas(flags_t) unsigned char flags_storage[sizeof(flags_t)];
std::atomic<int> flags_state{0};  // 0 unparsed, 1 being parsed, 2 ready

}  // namespace

bool parse_flags(std::string_view text, flags_t &out, std::string &error) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_separator(text[i])) { ++i; continue; }
    std::size_t start = i;
    while (i < text.size() && text[i] != '=' && !is_separator(text[i])) ++i;
    std::string_view key = text.substr(start, i - start);
    if (i >= text.size() || text[i] != '=') {
      error = "expected key=value, got '" + std::string(key) + "'";
      return false;
    }
    if (key.empty()) {
      std::size_t end = i;
      while (end < text.size() && !is_separator(text[end])) ++end;
      error = "missing option name before '=' in '" + std::string(text.substr(start, end - start)) + "'";
      return false;
    }
    ++i;  // '='
    std::string_view value;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
      char quote = text[i++];
      std::size_t vstart = i;
      while (i < text.size() && text[i] != quote) ++i;
      if (i >= text.size()) {
        error = "unterminated quote in value of '" + std::string(key) + "'";
        return false;
      }
      value = text.substr(vstart, i - vstart);
      ++i;  // closing quote
      if (i < text.size() && !is_separator(text[i])) {
        error = "unexpected text after the quoted value of '" + std::string(key) + "'";
        return false;
      }
    } else {
      std::size_t vstart = i;
      while (i < text.size() && !is_separator(text[i])) ++i;
      value = text.substr(vstart, i - vstart);
    }
    std::string why;
    if (!set_flag(out, key, value, why)) {
      error = why + ": '" + std::string(key) + "=" + std::string(value) + "'";
      return false;
    }
  }
  return validate(out, error);
}

std::string flags_help_text() {
  std::string text = "lockstep: options (LOCKSTEP_OPTIONS=key=value:key=value ...):\n";
  flags_t defaults;
#define LOCKSTEP_FLAG(type, name, default_value, description)                              \
  text += std::string("  ") + #name + " (" + type_name(&defaults.name) + ", default " +      \
          show(defaults.name) + ")\n      " + description + "\n";
#include "flags.inc"
#undef LOCKSTEP_FLAG
  return text;
}

const flags_t &flags() {
  flags_t *f = reinterpret_cast<flags_t *>(flags_storage);
  if (flags_state.load(std::memory_order_acquire) == 2) return *f;
  int expected = 0;
  if (flags_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    new (flags_storage) flags_t();
    if (const char *env = std::getenv("LOCKSTEP_OPTIONS")) {
      std::string error;
      if (!parse_flags(env, *f, error)) {
        write_stderr("lockstep: invalid LOCKSTEP_OPTIONS: " + error +
                     "\nlockstep: run with LOCKSTEP_OPTIONS=help=1 to list the options\n");
        ::_exit(2);
      }
    }
    if (f->help) write_stderr(flags_help_text());
    flags_state.store(2, std::memory_order_release);
    return *f;
  }
  // Another thread is parsing: parsing takes microseconds and never blocks.
  while (flags_state.load(std::memory_order_acquire) != 2) sched_yield();
  return *f;
}

}  // namespace lockstep::rt
