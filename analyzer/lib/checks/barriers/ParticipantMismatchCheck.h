//===- ParticipantMismatchCheck.h - barrier-participant-mismatch --*- C++ -*-===//
//
// A barrier constructed for N participants while a statically known, different
// number of threads arrive on it. See
// docs/checks/barrier-participant-mismatch.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_BARRIERS_PARTICIPANTMISMATCHCHECK_H
#define LOCKSTEP_CHECKS_BARRIERS_PARTICIPANTMISMATCHCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class ParticipantMismatchCheck : public Check {
public:
  // Options, once the check has some, are read here from Ctx.config(), once
  // per translation unit rather than once per match.
  ParticipantMismatchCheck(llvm::StringRef Id, CheckContext &Ctx)
      : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_BARRIERS_PARTICIPANTMISMATCHCHECK_H
