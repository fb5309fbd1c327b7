//===- DanglingTemporaryCheck.h - coro-dangling-temporary -------*- C++ -*-===//
//
// A call site check: a temporary bound to a coroutine's reference (or view)
// parameter while the task the call returns outlives the full-expression
// (stored, returned, passed on), so that the coroutine, which uses the
// parameter after it may have suspended (the "suspended yet" domain of
// SuspensionFlow.h over the callee's body), finds the temporary destroyed.
// See analyzer/docs/checks/coro-dangling-temporary.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_COROUTINES_DANGLINGTEMPORARYCHECK_H
#define LOCKSTEP_CHECKS_COROUTINES_DANGLINGTEMPORARYCHECK_H

#include "lockstep/analyzer/Check.h"
#include "lockstep/analyzer/SuspensionFlow.h"
#include "llvm/ADT/DenseMap.h"

namespace lockstep {

class DanglingTemporaryCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void analyze(const clang::CallExpr *Call);
  /// The uses of each reference parameter of the coroutine definition
  /// \p Def after it may have suspended, computed once per definition.
  const UsesAfterSuspension &usesOf(const clang::FunctionDecl *Def);
  llvm::DenseMap<const clang::FunctionDecl *, UsesAfterSuspension> Cache;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_COROUTINES_DANGLINGTEMPORARYCHECK_H
