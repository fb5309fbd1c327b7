//===- Finding.h - One diagnostic produced by a check -----------*- C++ -*-===//
//
// The plain, printer-independent record of a finding. Checks create them;
// diagnostics/ buffers, de-duplicates, sorts, filters and prints them.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_FINDING_H
#define LOCKSTEP_ANALYZER_FINDING_H

#include <string>
#include <tuple>
#include <vector>

namespace lockstep {

/// A resolved source position. File is the path as the compiler saw it, made
/// absolute; Line and Column are 1-based (Column counts bytes, like clang).
struct SourcePoint {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;

  friend bool operator<(const SourcePoint &A, const SourcePoint &B) {
    return std::tie(A.File, A.Line, A.Column) <
           std::tie(B.File, B.Line, B.Column);
  }
  friend bool operator==(const SourcePoint &A, const SourcePoint &B) {
    return std::tie(A.File, A.Line, A.Column) ==
           std::tie(B.File, B.Line, B.Column);
  }
};

/// A secondary location explaining a finding ("mutex first acquired here").
struct FindingNote {
  SourcePoint Where;
  std::string Message;
};

enum class Severity { Warning, Error };

/// One finding of one check. Message never repeats the check ID; printers add
/// it. Notes are ordered the way a reader should follow them.
struct Finding {
  std::string CheckId;
  Severity Level = Severity::Warning;
  std::string Message;
  SourcePoint Where;
  std::vector<FindingNote> Notes;
};

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_FINDING_H
