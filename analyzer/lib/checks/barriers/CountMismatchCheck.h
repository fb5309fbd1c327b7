//===- CountMismatchCheck.h - latch-count-mismatch --------------*- C++ -*-===//
//
// A std::latch whose statically known count-downs cannot sum to its initial
// count (waiters never wake, or undefined behaviour). See
// docs/checks/latch-count-mismatch.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_BARRIERS_COUNTMISMATCHCHECK_H
#define LOCKSTEP_CHECKS_BARRIERS_COUNTMISMATCHCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class CountMismatchCheck : public Check {
public:
  // Options, once the check has some, are read here from Ctx.config(), once
  // per translation unit rather than once per match.
  CountMismatchCheck(llvm::StringRef Id, CheckContext &Ctx) : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_BARRIERS_COUNTMISMATCHCHECK_H
