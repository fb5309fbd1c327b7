//===- Analyzer.h - Analysing one translation unit --------------*- C++ -*-===//
//
// The seam between the checks (model, dataflow, checks/) and the driver that
// runs them over a compilation database. The driver owns everything about
// files, parallelism and output; this interface only turns one parsed
// translation unit into findings.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_ANALYZER_H
#define LOCKSTEP_ANALYZER_ANALYZER_H

#include "lockstep/analyzer/Config.h"
#include "lockstep/analyzer/Finding.h"
#include "llvm/ADT/StringRef.h"
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace clang {
class ASTConsumer;
class CompilerInstance;
} // namespace clang

namespace lockstep {

/// What `--list-checks` prints and SARIF's rules describe.
struct CheckInfo {
  std::string Id;          ///< e.g. "lock-double-lock"
  std::string Summary;     ///< One line, no trailing period.
  std::string DocPath;     ///< Relative to the repository: analyzer/docs/checks/<id>.md
  /// Its boolean options, set as '<id>.<Option>' under check-options in
  /// .lockstep.yaml.
  std::vector<std::string> Options = {};
};

/// Every check lockstep-check knows, sorted by ID.
const std::vector<CheckInfo> &allChecks();

/// Decides whether a check ID is enabled.
using CheckEnabled = std::function<bool(llvm::StringRef CheckId)>;

/// How one translation unit matched the config's wrappers, so the driver
/// can warn once per run about entries that can never apply.
struct ConfigUse {
  /// Functions of Config::Wrappers declared in the translation unit.
  std::set<std::string> WrappersDeclared;
  /// For a wrapper not declared: a declared function with the same last
  /// name component ("Acquire" for "Mutex::Acquire"), to suggest.
  std::map<std::string, std::string> NearMisses;
  /// Entries that do not fit the function they name ("acquires: 3" on a
  /// function of two parameters, "acquires: this" on a free function).
  std::set<std::string> Warnings;
};

/// A function on which a flow analysis gave up (its states still changed
/// after the round cap): findings in it may be missing, and the driver says
/// so rather than staying silent.
struct GaveUpFunction {
  SourcePoint Where; ///< the function's name in its definition
  std::string Name;  ///< qualified, as a reader would write it
  friend bool operator<(const GaveUpFunction &A, const GaveUpFunction &B) {
    return std::tie(A.Where, A.Name) < std::tie(B.Where, B.Name);
  }
};

/// An AST consumer that runs every enabled check over the translation unit
/// being parsed by \p CI and appends its findings to \p Out when the
/// translation unit ends. \p Cfg describes in-house wrappers (may be empty);
/// how they matched goes to \p Use when given, and the functions a flow
/// analysis gave up on to \p GaveUp when given.
/// Findings are not yet de-duplicated, sorted or filtered by suppressions.
std::unique_ptr<clang::ASTConsumer>
makeAnalysisConsumer(clang::CompilerInstance &CI, const Config &Cfg,
                     CheckEnabled Enabled, std::vector<Finding> &Out,
                     ConfigUse *Use = nullptr,
                     std::vector<GaveUpFunction> *GaveUp = nullptr);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_ANALYZER_H
