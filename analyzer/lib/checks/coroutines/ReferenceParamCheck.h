//===- ReferenceParamCheck.h - coro-reference-param -------------*- C++ -*-===//
//
// A coroutine parameter that refers to the caller's object (a reference, a
// std::string_view or std::span) used where the coroutine may already have
// suspended: the caller may have destroyed the object by then. Found by the
// "suspended yet" domain of the flow engine (see ReferenceParamCheck.cpp).
// See analyzer/docs/checks/coro-reference-param.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_COROUTINES_REFERENCEPARAMCHECK_H
#define LOCKSTEP_CHECKS_COROUTINES_REFERENCEPARAMCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class ReferenceParamCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void analyze(const clang::FunctionDecl *FD);
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_COROUTINES_REFERENCEPARAMCHECK_H
