//===- CheckSelection.h - Which checks run ----------------------*- C++ -*-===//
//
// Checks are selected like clang-tidy's: every check starts enabled, then
// the glob lists (`--checks`, then the config file's `checks:`) are applied
// in order; the last glob matching a check decides.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DRIVER_CHECKSELECTION_H
#define LOCKSTEP_DRIVER_CHECKSELECTION_H

#include "lockstep/analyzer/Analyzer.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace lockstep {

/// Succeeds when every item of \p Globs matches at least one of \p Known;
/// otherwise the error names the first bad item ("unknown check 'x'" for a
/// plain name, "glob 'x-*' matches no check" for a pattern).
llvm::Error validateCheckGlobs(llvm::StringRef Globs,
                               llvm::ArrayRef<CheckInfo> Known);
/// The same against allChecks().
llvm::Error validateCheckGlobs(llvm::StringRef Globs);

/// The IDs of \p Known (in their order) enabled after applying \p Lists in
/// order over "every check enabled".
std::vector<std::string> enabledChecks(llvm::ArrayRef<CheckInfo> Known,
                                       llvm::ArrayRef<std::string> Lists);

} // namespace lockstep

#endif // LOCKSTEP_DRIVER_CHECKSELECTION_H
