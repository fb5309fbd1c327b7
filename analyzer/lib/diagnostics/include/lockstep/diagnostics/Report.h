//===- Report.h - What one run of lockstep-check reports --------*- C++ -*-===//
//
// The printer-independent result of a run: the findings that survived
// suppressions and the baseline, each with its fingerprint, and the errors
// (translation units that could not be analyzed).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_REPORT_H
#define LOCKSTEP_DIAGNOSTICS_REPORT_H

#include "lockstep/analyzer/Finding.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace lockstep {

/// A finding as reported, with its line-shift-stable fingerprint.
struct ReportedFinding {
  Finding F;
  std::string Fingerprint; ///< See computeFingerprint().
};

/// Something that kept the tool from analyzing (part of) the input.
struct ToolError {
  std::string File;    ///< The translation unit concerned, "" for none.
  std::string Message; ///< One line, no trailing period.
  std::string Details; ///< Optional multi-line text (compiler diagnostics).
};

struct Report {
  std::vector<ReportedFinding> Findings; ///< Sorted, de-duplicated.
  std::vector<ToolError> Errors;         ///< In input order.
};

/// Version of the JSON output format and of the fingerprint scheme. Bumped
/// when either changes incompatibly.
constexpr int JsonFormatVersion = 1;
constexpr llvm::StringLiteral FingerprintKey = "lockstep/v1";

/// The line text a fingerprint uses: \p Line with all whitespace removed, so
/// re-indenting does not change it.
std::string normalizeLineText(llvm::StringRef Line);

/// A 16-hex-digit fingerprint of \p F from its check ID, its message and the
/// normalized text of the line it points at (\p LineText), deliberately not
/// its line number or file, so that edits elsewhere that shift lines keep it.
std::string computeFingerprint(const Finding &F, llvm::StringRef LineText);

/// "warning" or "error".
llvm::StringRef severityName(Severity S);

/// A `file://` URI for an absolute path, percent-encoding what needs it.
std::string fileUriFromPath(llvm::StringRef Path);
/// The path of a `file:` URI (percent-decoded); other text is returned as is.
std::string pathFromFileUri(llvm::StringRef Uri);

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_REPORT_H
