//===- ConditionalArrivalCheck.h - barrier-conditional-arrival --*- C++ -*-===//
//
// An arrival on a barrier or latch (arrive_and_wait, arrive, count_down,
// pthread_barrier_wait) that only some of the threads sharing it reach,
// because a condition on a per-thread value (the launch loop's index, a
// thread function's argument) lets the others skip it, while the barrier or
// latch counts on every thread. See docs/checks/barrier-conditional-arrival.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_BARRIERS_CONDITIONALARRIVALCHECK_H
#define LOCKSTEP_CHECKS_BARRIERS_CONDITIONALARRIVALCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class ConditionalArrivalCheck : public Check {
public:
  // Options, once the check has some, are read here from Ctx.config(), once
  // per translation unit rather than once per match.
  ConditionalArrivalCheck(llvm::StringRef Id, CheckContext &Ctx)
      : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_BARRIERS_CONDITIONALARRIVALCHECK_H
