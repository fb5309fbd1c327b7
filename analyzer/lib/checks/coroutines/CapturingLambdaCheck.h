//===- CapturingLambdaCheck.h - coro-capturing-lambda -----------*- C++ -*-===//
//
// A lambda coroutine that uses a capture (by copy, by reference, an
// init-capture, `this`) where it may have suspended, while nothing proves
// that the closure object, which holds the captures and which the coroutine
// frame only points to, is still alive then. Found by the "suspended yet"
// domain of SuspensionFlow.h over the lambda's body and by following the
// closure from the lambda expression (see CapturingLambdaCheck.cpp).
// See analyzer/docs/checks/coro-capturing-lambda.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_COROUTINES_CAPTURINGLAMBDACHECK_H
#define LOCKSTEP_CHECKS_COROUTINES_CAPTURINGLAMBDACHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class CapturingLambdaCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void analyze(const clang::LambdaExpr *L, const clang::FunctionDecl *Op);
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_COROUTINES_CAPTURINGLAMBDACHECK_H
