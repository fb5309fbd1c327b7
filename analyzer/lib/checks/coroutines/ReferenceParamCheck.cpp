//===- ReferenceParamCheck.cpp - coro-reference-param ---------------------===//
//
// The "suspended yet" domain of the flow engine, over the written body of a
// coroutine: whether some path from the start of the body to a point passes
// a suspension (a co_await or co_yield that can suspend, CoroutineModel.h).
// A lazy coroutine (its initial suspend can suspend) starts suspended: its
// body runs only after the call that created it has returned. A use of a
// parameter that refers to the caller's object at a suspended point is
// reported, once per parameter, at its first such use in the source.
//
//===----------------------------------------------------------------------===//
#include "ReferenceParamCheck.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/FlowEngine.h"
#include "lockstep/analyzer/LockModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include <map>
#include <optional>
#include <vector>

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

/// What the parameter's value refers to lives in the caller: a reference
/// (lvalue or rvalue), or a view type of the standard library.
const char *referenceKind(QualType T) {
  if (T->isLValueReferenceType())
    return "reference";
  if (T->isRValueReferenceType())
    return "rvalue reference";
  llvm::StringRef N = stdRecordName(T->getAsCXXRecordDecl());
  if (N == "basic_string_view")
    return "string_view";
  if (N == "span")
    return "span";
  return nullptr;
}


/// Where a path is: not yet suspended, or suspended at Where (the latest
/// suspension on it; Initial: the coroutine's initial suspend).
struct Suspended {
  bool Yes = false;
  bool Initial = false;
  SourceLocation Where;
  friend bool operator==(const Suspended &A, const Suspended &B) {
    return A.Yes == B.Yes && A.Initial == B.Initial && A.Where == B.Where;
  }
};

/// The "suspended yet" domain. Join rule: suspended if either path is (a
/// may-analysis: a use that some path reaches after a suspension may find
/// the caller's object gone); of two suspension points the one later in the
/// file is kept, so that the note does not depend on the visiting order.
struct SuspendedDomain {
  using State = Suspended;
  const ASTContext &Ctx;
  const SuspensionMap &ResumeOf;
  const llvm::DenseMap<const ParmVarDecl *, const char *> &Tracked;
  /// The report pass: each tracked parameter's uses at suspended points.
  std::map<const ParmVarDecl *, std::vector<std::pair<const DeclRefExpr *,
                                                      Suspended>>> Uses;

  State join(const State &A, const State &B) {
    if (!A.Yes)
      return B;
    if (!B.Yes)
      return A;
    if (A.Initial != B.Initial)
      return A.Initial ? B : A;
    return A.Where.getRawEncoding() >= B.Where.getRawEncoding() ? A : B;
  }

  void transfer(const CFGBlock &B, const State &In, FlowPhase Phase,
                std::vector<std::optional<State>> &Out) {
    State S = In;
    const CoroutineSuspendExpr *Last = nullptr;
    for (const CFGElement &El : B) {
      auto CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      // The first node of a suspension's await_resume, or the co_await
      // itself: from here on the coroutine has been suspended.
      if (const CoroutineSuspendExpr *E = ResumeOf.lookup(St))
        if (E != Last) {
          Last = E;
          if (maySuspend(E, Ctx)) {
            S.Yes = true;
            S.Initial = false;
            S.Where = E->getKeywordLoc();
          }
        }
      if (Phase != FlowPhase::Report || !S.Yes)
        continue;
      if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
        if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl()))
          if (Tracked.count(P))
            Uses[P].push_back({DRE, S});
    }
    for (auto &O : Out)
      O = S;
  }
};

} // namespace

void ReferenceParamCheck::registerMatchers(MatchFinder &Finder) {
  matchFunctionBodies(Finder);
}

void ReferenceParamCheck::check(const MatchFinder::MatchResult &Result) {
  analyze(matchedBody(Result).Function);
}

void ReferenceParamCheck::analyze(const FunctionDecl *FD) {
  if (!FD || FD->isDependentContext() || FD->isInvalidDecl())
    return;
  const auto *CB = dyn_cast_or_null<CoroutineBodyStmt>(FD->getBody());
  if (!CB || context().ignored(FD->getLocation()))
    return;
  llvm::DenseMap<const ParmVarDecl *, const char *> Tracked;
  for (const ParmVarDecl *P : FD->parameters())
    if (const char *K = referenceKind(P->getType()); K && P->getIdentifier())
      Tracked[P] = K;
  if (Tracked.empty())
    return;

  ASTContext &Ctx = context().ast();
  const SuspensionMap ResumeOf = suspensionsOf(CB->getBody());
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg =
      CFG::buildCFG(FD, CB->getBody(), &Ctx, BO);
  if (!Cfg)
    return;
  SuspendedDomain D{Ctx, ResumeOf, Tracked, {}};
  FlowEngine<SuspendedDomain> Engine(*Cfg, D);
  Suspended Entry;
  if (!startsEagerly(FD, Ctx)) {
    Entry.Yes = Entry.Initial = true;
    Entry.Where = FD->getLocation();
  }
  if (Engine.run(Entry) == FlowOutcome::GaveUp) {
    gaveUp(FD);
    return;
  }
  Engine.report();

  const SourceManager &SM = Ctx.getSourceManager();
  for (const ParmVarDecl *P : FD->parameters()) {
    auto It = D.Uses.find(P);
    if (It == D.Uses.end())
      continue;
    // The first use in the file, so that the finding is stable.
    const auto *First = &It->second.front();
    for (const auto &U : It->second)
      if (SM.isBeforeInTranslationUnit(U.first->getBeginLoc(),
                                       First->first->getBeginLoc()))
        First = &U;
    const Suspended &S = First->second;
    std::string Name = P->getName().str();
    std::string Kind = Tracked.lookup(P);
    Finding F = diag(
        First->first->getBeginLoc(),
        Kind + " parameter '" + Name + "' is used after the coroutine may "
        "have suspended; what it refers to belongs to the caller, which may "
        "have destroyed it by the time the coroutine resumes");
    if (S.Initial)
      note(F, S.Where,
           "the coroutine starts suspended (its promise's initial_suspend() "
           "may suspend), so its body runs after the call has returned");
    else
      note(F, S.Where, "the coroutine may suspend here");
    note(F, P->getLocation(), "parameter '" + Name + "' declared here");
    emit(std::move(F));
  }
}

} // namespace lockstep
