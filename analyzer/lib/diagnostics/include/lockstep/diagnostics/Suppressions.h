//===- Suppressions.h - NOLINT comments, as clang-tidy reads them -*- C++ -*-=//
//
// A finding is suppressed by a comment in the source file it points at:
//   `NOLINT` or `NOLINT(globs)`            on the finding's line,
//   `NOLINTNEXTLINE` or `NOLINTNEXTLINE(globs)` on the line before it,
//   `NOLINTBEGIN(globs)` ... `NOLINTEND(globs)` around it (both lines included;
//   an END closes the latest open BEGIN with the same glob text).
// Without parentheses (or with an unclosed one, or `(*)`) every check is
// suppressed; otherwise the comma-separated globs (GlobList) decide.
// Unmatched BEGIN/END comments suppress nothing and are reported as problems.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_SUPPRESSIONS_H
#define LOCKSTEP_DIAGNOSTICS_SUPPRESSIONS_H

#include "lockstep/analyzer/Finding.h"
#include "lockstep/diagnostics/GlobList.h"
#include "lockstep/diagnostics/SourceCache.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

/// One NOLINT comment's effect: lines [FirstLine, LastLine] of a file.
struct NolintRange {
  unsigned FirstLine = 0;
  unsigned LastLine = 0;
  std::optional<GlobList> Checks; ///< std::nullopt: every check.
};

/// The NOLINT ranges of one file's lines, plus problems (unmatched
/// BEGIN/END) as "line: message".
struct FileNolints {
  std::vector<NolintRange> Ranges;
  std::vector<std::pair<unsigned, std::string>> Problems;
};

/// Parses the NOLINT comments of a file's lines (1-based line numbers).
FileNolints parseNolints(const std::vector<std::string> &Lines);

class NolintFilter {
public:
  explicit NolintFilter(SourceCache &Sources) : Sources(Sources) {}

  /// Whether a NOLINT comment suppresses \p F at its primary location.
  /// A file that cannot be read suppresses nothing.
  bool isSuppressed(const Finding &F);

  /// Problems met in the files read so far, as "file:line: message", sorted.
  std::vector<std::string> problems() const;

private:
  const FileNolints &nolintsOf(const std::string &File);

  SourceCache &Sources;
  std::map<std::string, FileNolints> Files;
};

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_SUPPRESSIONS_H
