// Parsing suppressions files and matching reports against them.
#include "suppressions.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lockstep::rt {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point for the last '*': linear for these inputs.
  std::size_t p = 0, t = 0, star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "ns::f(int) const" -> "ns::f"; names without a trailing parameter list are unchanged.
std::string_view without_parameters(std::string_view name) {
  if (name.size() > 6 && name.substr(name.size() - 6) == " const") name.remove_suffix(6);
  if (name.empty() || name.back() != ')') return name;
  int depth = 0;
  for (std::size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return name.substr(0, i);
  }
  return name;
}

bool frame_matches(std::string_view pattern, const frame &f) {
  auto try_text = [&](std::string_view text) { return !text.empty() && glob_match(pattern, text); };
  return try_text(f.function) || try_text(without_parameters(f.function)) || try_text(f.file) ||
         try_text(base_name(f.file)) || try_text(f.module) || try_text(base_name(f.module));
}

}  // namespace

bool suppression_list::parse(std::string_view text, std::string_view source, std::string &error) {
  int line_number = 0;
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    auto fail = [&](const std::string &what) {
      error = std::string(source) + ":" + std::to_string(line_number) + ": " + what;
      return false;
    };
    // Control bytes (NUL, DEL, the ELF magic's 0x7f...) never occur in a rules file: it is a binary file
    // given by mistake, whose "lines" could otherwise be read as rules or skipped without a word.
    for (unsigned char c : line)
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02x", c);
        return fail(std::string("not a text file (byte ") + byte + "); expected 'kind:pattern' lines");
      }
    // '#' starts a comment at the start of a line or after a blank ("data-race:f  # why"): the
    // comment is not part of the pattern. A '#' inside a word (a path "a#b/x.cpp") is kept.
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = trim(line.substr(0, i));
        break;
      }
    if (line.empty()) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail("expected 'kind:pattern', got '" + std::string(line) + "'");
    std::string_view kind = trim(line.substr(0, colon));
    std::string_view pattern = trim(line.substr(colon + 1));
    if (kind.empty()) return fail("missing report kind before ':' in '" + std::string(line) + "'");
    if (pattern.empty()) return fail("missing pattern after '" + std::string(kind) + ":'");
    bool known = false;
    for (std::string_view k : known_report_kinds) known = known || glob_match(kind, k);
    if (!known) {
      std::string hint = kind == "race" ? " (did you mean 'data-race'?)" : "";
      return fail("unknown report kind '" + std::string(kind) + "'" + hint);
    }
    rules_.push_back(suppression{std::string(kind), std::string(pattern), line_number, 0});
  }
  return true;
}

bool suppression_list::load_file(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read suppressions file '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read suppressions file '" + path + "': " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse(text, path, error);
}

const suppression *suppression_list::match(std::string_view kind,
                                           const std::vector<const std::vector<frame> *> &stacks) {
  for (suppression &rule : rules_) {
    if (!glob_match(rule.kind, kind)) continue;
    for (const auto *stack : stacks)
      for (const frame &f : *stack)
        if (frame_matches(rule.pattern, f)) {
          ++rule.hits;
          return &rule;
        }
  }
  return nullptr;
}

}  // namespace lockstep::rt
