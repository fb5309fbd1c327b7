//===- SemNotReleasedCheck.h - sem-not-released -----------------*- C++ -*-===//
//
// A semaphore used as a scoped permit (the function acquires it and releases
// it on some path) but still taken when the function exits on another path:
// an early return, an explicit throw, or a call that visibly throws. Found by
// the "semaphore permits" domain of the flow engine (see
// SemNotReleasedCheck.cpp). See docs/checks/sem-not-released.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_SEMAPHORES_SEMNOTRELEASEDCHECK_H
#define LOCKSTEP_CHECKS_SEMAPHORES_SEMNOTRELEASEDCHECK_H

#include "lockstep/analyzer/Check.h"
#include <vector>

namespace lockstep {

class SemNotReleasedCheck : public Check {
public:
  SemNotReleasedCheck(llvm::StringRef Id, CheckContext &Ctx) : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  /// The functions are analysed once the lock analysis can tell which calls
  /// visibly throw and which never return.
  void afterLockAnalysis(TUAnalysis &TU) override;

private:
  std::vector<FunctionBody> Functions;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_SEMAPHORES_SEMNOTRELEASEDCHECK_H
