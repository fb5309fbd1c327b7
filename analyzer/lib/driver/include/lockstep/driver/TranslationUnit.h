//===- TranslationUnit.h - Analyzing one compile command --------*- C++ -*-===//
//
// Parses one translation unit with Clang and runs the enabled checks over it,
// isolated from every other TU so that several run at once on threads.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DRIVER_TRANSLATIONUNIT_H
#define LOCKSTEP_DRIVER_TRANSLATIONUNIT_H

#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Config.h"
#include "lockstep/analyzer/Finding.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

struct TUResult {
  std::vector<Finding> Findings;  ///< Empty when Failed.
  bool Failed = false;            ///< The TU did not compile (or crashed).
  std::string Message;            ///< Why it failed, one line.
  std::string CompilerOutput;     ///< The compiler's errors (and their notes).
  ConfigUse Use;                  ///< How the config's wrappers matched.
  /// Functions a flow analysis gave up on (findings there may be missing).
  std::vector<GaveUpFunction> GaveUp;
};

/// The command line actually run for \p Cmd: syntax-only, no output or
/// dependency files, \p ExtraArgs appended (before a `--`), and
/// `-resource-dir` added unless the command has one.
std::vector<std::string>
adjustedCommandLine(const clang::tooling::CompileCommand &Cmd,
                    const std::vector<std::string> &ExtraArgs);

/// Parses \p Cmd (its Directory is the working directory, resolved without
/// changing the process's) and runs the checks in \p Enabled with \p Cfg.
/// A TU with compiler errors yields Failed and no findings: its AST is
/// incomplete, so findings on it would be guesses.
TUResult analyzeTranslationUnit(const clang::tooling::CompileCommand &Cmd,
                                const std::vector<std::string> &ExtraArgs,
                                const Config &Cfg,
                                const std::vector<std::string> &Enabled);

} // namespace lockstep

#endif // LOCKSTEP_DRIVER_TRANSLATIONUNIT_H
