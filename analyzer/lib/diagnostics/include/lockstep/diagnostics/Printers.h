//===- Printers.h - Text, JSON and SARIF 2.1.0 output -----------*- C++ -*-===//
//
// Printers only format a Report; every decision (what to report, order) is
// made before. Output is deterministic: the same Report prints the same bytes.
//
// Text (clang-tidy's shape), one finding per group of lines:
//   /abs/a.cpp:12:5: warning: message [check-id]
//   /abs/a.cpp:10:3: note: note message
//
// JSON (`format-version` 1; fields are only ever added within a version):
//   { "tool": "lockstep-check", "version": "0.1.0", "format-version": 1,
//     "findings": [ { "check": "lock-double-lock", "severity": "warning",
//                     "message": "...",
//                     "location": {"file": "/abs/a.cpp", "line": 12, "column": 5},
//                     "notes": [ {"message": "...", "location": {...}} ],
//                     "fingerprint": "0123456789abcdef" } ],
//     "errors": [ {"file": "/abs/b.cpp", "message": "...", "details": "..."} ] }
//
// SARIF 2.1.0: one run; tool.driver with every check as a rule; one result
// per finding with ruleId/ruleIndex, level, message, location, notes as
// relatedLocations and partialFingerprints["lockstep/v1"]; one invocation
// whose toolExecutionNotifications are the errors.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_PRINTERS_H
#define LOCKSTEP_DIAGNOSTICS_PRINTERS_H

#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/diagnostics/Report.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

namespace lockstep {

/// The tool's version string (the project version).
llvm::StringRef toolVersion();

/// The absolute URI that check doc paths are resolved against in SARIF
/// (configured at build time with LOCKSTEP_DOCS_BASE_URI; ends with '/').
llvm::StringRef docsBaseUri();

/// Findings in clang-tidy's text shape. Errors are not printed here.
void printText(const Report &R, llvm::raw_ostream &OS);

/// The JSON document described above, with a trailing newline.
void printJson(const Report &R, llvm::raw_ostream &OS);

/// A SARIF 2.1.0 log describing \p Rules (every check, sorted by ID) and the
/// report, with a trailing newline.
void printSarif(const Report &R, llvm::ArrayRef<CheckInfo> Rules,
                llvm::raw_ostream &OS);

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_PRINTERS_H
