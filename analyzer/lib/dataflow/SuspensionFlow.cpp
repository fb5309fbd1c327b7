//===- SuspensionFlow.cpp - Uses a coroutine makes after it may have suspended -===//
#include "lockstep/analyzer/SuspensionFlow.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/FlowEngine.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Analysis/CFG.h"
#include <optional>
#include <vector>

using namespace clang;

namespace lockstep {
namespace {

/// Where a path is: not yet suspended, or suspended at At.
struct Suspended {
  bool Yes = false;
  SuspendedAt At;
  friend bool operator==(const Suspended &A, const Suspended &B) {
    return A.Yes == B.Yes && A.At.Initial == B.At.Initial &&
           A.At.Where == B.At.Where;
  }
};

/// The "suspended yet" domain (the join rule is on usesAfterSuspension).
struct SuspendedDomain {
  using State = Suspended;
  const ASTContext &Ctx;
  const SuspensionMap &ResumeOf;
  UseKeyFn KeyOf;
  /// The report pass: every tracked use at a suspended point.
  std::vector<std::pair<const void *, SuspendedUse>> Uses;

  State join(const State &A, const State &B) {
    if (!A.Yes)
      return B;
    if (!B.Yes)
      return A;
    if (A.At.Initial != B.At.Initial)
      return A.At.Initial ? B : A;
    return A.At.Where.getRawEncoding() >= B.At.Where.getRawEncoding() ? A : B;
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
            S.At = {false, E->getKeywordLoc()};
          }
        }
      if (Phase != FlowPhase::Report || !S.Yes)
        continue;
      if (const void *Key = KeyOf(St))
        Uses.push_back({Key, {St, S.At}});
    }
    for (auto &O : Out)
      O = S;
  }
};

} // namespace

UsesAfterSuspension usesAfterSuspension(const FunctionDecl *FD,
                                        ASTContext &Ctx, UseKeyFn KeyOf) {
  UsesAfterSuspension R;
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || Def->isDependentContext() ||
      Def->isInvalidDecl())
    return R;
  const auto *CB = dyn_cast_or_null<CoroutineBodyStmt>(Def->getBody());
  if (!CB)
    return R;
  const SuspensionMap ResumeOf = suspensionsOf(CB->getBody());
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg = CFG::buildCFG(Def, CB->getBody(), &Ctx, BO);
  if (!Cfg)
    return R;
  SuspendedDomain D{Ctx, ResumeOf, KeyOf, {}};
  FlowEngine<SuspendedDomain> Engine(*Cfg, D);
  Suspended Entry;
  if (!startsEagerly(Def, Ctx)) {
    Entry.Yes = true;
    Entry.At = {true, Def->getLocation()};
  }
  if (Engine.run(Entry) == FlowOutcome::GaveUp) {
    R.GaveUp = true;
    return R;
  }
  Engine.report();
  // The first use of each key in the file, so that findings are stable.
  const SourceManager &SM = Ctx.getSourceManager();
  for (const auto &[Key, U] : D.Uses) {
    auto [It, New] = R.First.try_emplace(Key, U);
    if (!New && SM.isBeforeInTranslationUnit(U.Use->getBeginLoc(),
                                             It->second.Use->getBeginLoc()))
      It->second = U;
  }
  return R;
}

const char *suspensionNote(const SuspendedAt &At) {
  return At.Initial
             ? "the coroutine starts suspended (its promise's "
               "initial_suspend() may suspend), so its body runs after the "
               "call has returned"
             : "the coroutine may suspend here";
}

} // namespace lockstep
