//===- UnnamedGuardCheck.h - lock-unnamed-guard -----------------*- C++ -*-===//
//
// An AST check: guard temporaries that lock and unlock within one statement,
// and `std::unique_lock<std::mutex>(m);`, which declares a new guard named m
// that locks nothing. See docs/checks/lock-unnamed-guard.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_UNNAMEDGUARDCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_UNNAMEDGUARDCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class UnnamedGuardCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_UNNAMEDGUARDCHECK_H
