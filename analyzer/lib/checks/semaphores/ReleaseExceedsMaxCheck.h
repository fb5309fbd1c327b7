//===- ReleaseExceedsMaxCheck.h - sem-release-exceeds-max -------*- C++ -*-===//
//
// A semaphore released above its maximum: release(n) with constant n >
// LeastMaxValue, or a binary semaphore released twice with no acquire between.
// See docs/checks/sem-release-exceeds-max.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H
#define LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class ReleaseExceedsMaxCheck : public Check {
public:
  // Options, once the check has some, are read here from Ctx.config(), once
  // per translation unit rather than once per match.
  ReleaseExceedsMaxCheck(llvm::StringRef Id, CheckContext &Ctx)
      : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H
