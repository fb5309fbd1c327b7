//===- CvWaitWithoutPredicateCheck.h - cv-wait-without-predicate -*- C++ -*-===//
//
// An AST check: condition-variable waits without a predicate that do not sit
// in a loop re-checking the shared state, so a spurious or lost wakeup goes
// unnoticed. See docs/checks/cv-wait-without-predicate.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_CONDVARS_CVWAITWITHOUTPREDICATECHECK_H
#define LOCKSTEP_CHECKS_CONDVARS_CVWAITWITHOUTPREDICATECHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class CvWaitWithoutPredicateCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_CONDVARS_CVWAITWITHOUTPREDICATECHECK_H
