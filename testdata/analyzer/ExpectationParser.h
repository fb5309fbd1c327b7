//===- ExpectationParser.h - Inline expectations of analyzer testdata -----===//
//
// Reads the comments a testdata file uses to say what lockstep-check must
// report on it. The syntax (see also expectations_test.cpp):
//
//   // expect: <check-id>                a finding of <check-id> whose primary
//                                        location is on this line
//   // expect@+N: <check-id>             ... on the line N below (@-N: above)
//   // expect: <check-id> "text"         ... whose message contains "text"
//   // expect: a expect: b               several findings on one line (a "//"
//                                        between clauses is allowed too)
//   // clean: <check-id> <free text>     marks a clean look-alike case of
//                                        <check-id> (counted, never matched)
//   // lockstep-args: -std=c++17 -DX     the compiler arguments for this file
//                                        (whitespace-separated, no quoting);
//                                        default: -std=c++20
//
// A comment that starts with "expect" but does not follow this syntax is an
// error, so that a typo cannot silently turn an expectation off.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_TESTDATA_EXPECTATIONPARSER_H
#define LOCKSTEP_TESTDATA_EXPECTATIONPARSER_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace lockstep {
namespace testdata {

/// One finding the file says must be reported.
struct Expectation {
  std::string Check;     ///< e.g. "lock-double-lock"
  unsigned Line = 0;     ///< 1-based line of the finding's primary location.
  std::string Substring; ///< The message must contain it ("" = anything).
  unsigned WrittenOn = 0; ///< The line the comment is on (for messages).
};

/// A `// clean: <check-id>` marker.
struct CleanCase {
  std::string Check;
  unsigned Line = 0;
};

struct TestFileSpec {
  std::vector<Expectation> Expectations;
  std::vector<CleanCase> CleanCases;
  /// Compiler arguments: the `lockstep-args` line, or {"-std=c++20"}.
  std::vector<std::string> CompilerArgs;
  /// One message per malformed comment, each starting with "line N: ".
  /// A file with errors must fail its test.
  std::vector<std::string> Errors;
};

/// Parses the expectation comments of a whole file. Never fails: problems
/// are collected in TestFileSpec::Errors.
TestFileSpec parseTestFile(llvm::StringRef Text);

/// True when \p Id looks like a check ID: lower-case words joined by '-'.
bool isCheckId(llvm::StringRef Id);

} // namespace testdata
} // namespace lockstep

#endif // LOCKSTEP_TESTDATA_EXPECTATIONPARSER_H
