//===- ReferenceParamCheck.cpp - coro-reference-param ---------------------===//
//
// A use of a parameter that refers to the caller's object at a point where
// the coroutine may have suspended (the "suspended yet" domain,
// SuspensionFlow.h) is reported, once per parameter, at its first such use
// in the source.
//
//===----------------------------------------------------------------------===//
#include "ReferenceParamCheck.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/SuspensionFlow.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/DenseMap.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void ReferenceParamCheck::registerMatchers(MatchFinder &Finder) {
  matchFunctionBodies(Finder);
}

void ReferenceParamCheck::check(const MatchFinder::MatchResult &Result) {
  analyze(matchedBody(Result).Function);
}

void ReferenceParamCheck::analyze(const FunctionDecl *FD) {
  if (!FD || !isCoroutine(FD) || context().ignored(FD->getLocation()))
    return;
  llvm::DenseMap<const ParmVarDecl *, const char *> Tracked;
  for (const ParmVarDecl *P : FD->parameters())
    if (const char *K = callerReferenceKind(P->getType());
        K && P->getIdentifier())
      Tracked[P] = K;
  if (Tracked.empty())
    return;

  UsesAfterSuspension Uses = usesAfterSuspension(
      FD, context().ast(), [&](const Stmt *S) -> const void * {
        const auto *DRE = dyn_cast<DeclRefExpr>(S);
        const auto *P =
            DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
        return P && Tracked.count(P) ? P : nullptr;
      });
  if (Uses.GaveUp) {
    gaveUp(FD);
    return;
  }
  for (const ParmVarDecl *P : FD->parameters()) {
    auto It = Uses.First.find(P);
    if (It == Uses.First.end())
      continue;
    const SuspendedUse &U = It->second;
    std::string Name = P->getName().str();
    std::string Kind = Tracked.lookup(P);
    Finding F = diag(
        U.Use->getBeginLoc(),
        Kind + " parameter '" + Name + "' is used after the coroutine may "
        "have suspended; what it refers to belongs to the caller, which may "
        "have destroyed it by the time the coroutine resumes");
    note(F, U.At.Where, suspensionNote(U.At));
    note(F, P->getLocation(), "parameter '" + Name + "' declared here");
    emit(std::move(F));
  }
}

} // namespace lockstep
