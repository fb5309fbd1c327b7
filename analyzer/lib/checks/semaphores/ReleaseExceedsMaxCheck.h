//===- ReleaseExceedsMaxCheck.h - sem-release-exceeds-max -------*- C++ -*-===//
//
// A semaphore released above its maximum: release(n) with a constant n
// greater than LeastMaxValue, and a binary semaphore (counting_semaphore<1>)
// released twice on a path with no acquire between, found by a small
// may-analysis over each function's CFG (see ReleaseExceedsMaxCheck.cpp).
// See docs/checks/sem-release-exceeds-max.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H
#define LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H

#include "lockstep/analyzer/Check.h"
#include "llvm/ADT/DenseMap.h"

namespace lockstep {

class ReleaseExceedsMaxCheck : public Check {
public:
  ReleaseExceedsMaxCheck(llvm::StringRef Id, CheckContext &Ctx)
      : Check(Id, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// release(n) with a constant n above the semaphore's maximum.
  void checkConstantRelease(const clang::CXXMemberCallExpr *Call,
                            clang::ASTContext &Ctx);
  /// Binary semaphores released twice with no acquire between, in \p FD.
  void checkDoubleRelease(const clang::FunctionDecl *FD,
                          const clang::Stmt *Body, clang::ASTContext &Ctx);
  /// Whether a call to \p FD can neither block nor synchronize with another
  /// thread (so a semaphore's count cannot go down meanwhile): memoized.
  bool harmless(const clang::FunctionDecl *FD, unsigned Depth);
  llvm::DenseMap<const clang::FunctionDecl *, bool> Harmless;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_SEMAPHORES_RELEASEEXCEEDSMAXCHECK_H
