//===- CapturingLambdaCheck.cpp - coro-capturing-lambda -------------------===//
//
// Two questions for each lambda whose call operator is a coroutine and that
// captures something:
//  1. which captures does the body use where it may have suspended (the
//     "suspended yet" domain, SuspensionFlow.h)? Uses before the first
//     suspension of an eager coroutine run inside the call, while the
//     closure is alive.
//  2. can the closure die while the coroutine is suspended? It cannot when
//     it provably outlives every coroutine made from it:
//     - it is a variable with static storage;
//     - it is a temporary called at once, and the task of that call is
//       awaited or run to completion within the same full-expression (or
//       dropped there with a task type that destroys the frame);
//     - it is a local variable of the enclosing function used only by calls
//       of that kind, in that function (not in a nested lambda);
//     - it is a temporary inside a full-expression that awaits, or it is
//       given to a function that keeps the callable alive while its task
//       runs (co_spawn, co_invoke: keepsCallableAlive).
//     Anything else (passed to a function, stored in a std::function,
//     returned, a task that outlives its full-expression) is not proven.
// A finding is made for each capture used after a suspension, at its first
// such use, when the closure is not proven to stay alive.
//
//===----------------------------------------------------------------------===//
#include "CapturingLambdaCheck.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/SuspensionFlow.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/DenseSet.h"
#include <optional>

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

/// Where the closure may be lost while the coroutine is suspended, and why.
struct ClosureRisk {
  SourceLocation Loc;
  std::string Note;
};

/// The expression \p E stands in once conversions and parentheses are
/// looked through upward: the first parent that is none of these, with the
/// child it was reached from.
std::pair<DynTypedNode, const Expr *> enclosing(const Expr *E,
                                               ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(*E);
  for (;;) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return {DynTypedNode(), Node.get<Expr>()};
    const DynTypedNode &P = Parents[0];
    if (P.get<ImplicitCastExpr>() || P.get<ParenExpr>() ||
        P.get<MaterializeTemporaryExpr>() || P.get<CXXBindTemporaryExpr>() ||
        P.get<ExprWithCleanups>()) {
      Node = P;
      continue;
    }
    // Copying or moving the closure (a C++14-style elidable copy).
    if (const auto *CE = P.get<CXXConstructExpr>();
        CE && CE->getNumArgs() == 1 &&
        CE->getType()->getAsCXXRecordDecl() ==
            E->getType()->getAsCXXRecordDecl()) {
      Node = P;
      continue;
    }
    return {P, Node.get<Expr>()};
  }
}

/// The call `closure(...)` that \p Object is the closure object of.
const CXXOperatorCallExpr *callOf(const DynTypedNode &P, const Expr *Object) {
  const auto *Op = P.get<CXXOperatorCallExpr>();
  return Op && Op->getOperator() == OO_Call && Op->getNumArgs() > 0 &&
                 Op->getArg(0) == Object
             ? Op
             : nullptr;
}

/// Whether the coroutine that \p Call creates is done (or destroyed) by the
/// end of the full-expression holding the call.
bool finishesInFullExpression(const CallExpr *Call, ASTContext &Ctx,
                              TaskFate &Fate) {
  Fate = fateOfTask(Call, Ctx);
  return !outlivesFullExpression(Fate, Call->getType());
}

/// The references to a local variable in its function, outside
/// nested lambdas (In) and inside them (Nested).
class LocalRefs : public RecursiveASTVisitor<LocalRefs> {
public:
  explicit LocalRefs(const VarDecl *V) : V(V) {}
  std::vector<const DeclRefExpr *> In, Nested;
  bool VisitDeclRefExpr(DeclRefExpr *R) {
    if (R->getDecl() == V)
      (Depth ? Nested : In).push_back(R);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *L) {
    ++Depth;
    bool R = RecursiveASTVisitor::TraverseLambdaExpr(L);
    --Depth;
    return R;
  }

private:
  const VarDecl *V;
  unsigned Depth = 0;
};

/// The compound statement whose scope \p V is declared in.
const CompoundStmt *scopeOf(const VarDecl *V, ASTContext &Ctx) {
  DynTypedNodeList Parents = Ctx.getParents(*V);
  const auto *DS = Parents.empty() ? nullptr : Parents[0].get<DeclStmt>();
  if (!DS)
    return nullptr;
  Parents = Ctx.getParents(*DS);
  return Parents.empty() ? nullptr : Parents[0].get<CompoundStmt>();
}

/// Whether \p S lies inside \p Scope.
bool isWithin(const Stmt *S, const Stmt *Scope, ASTContext &Ctx) {
  DynTypedNode N = DynTypedNode::create(*S);
  for (unsigned Depth = 0; Depth < 256; ++Depth) {
    if (N.get<Stmt>() == Scope)
      return true;
    DynTypedNodeList Parents = Ctx.getParents(N);
    if (Parents.empty())
      return false;
    N = Parents[0];
  }
  return false;
}

/// Whether the task variable \p T, which a call of the local closure \p V
/// initialised, dies before \p V and never lets its task go: declared after
/// \p V in \p V's scope (so destroyed first), and used only where its task
/// stays put (a member call, a co_await, sync_wait, a range-for over it).
bool taskStaysInScope(const VarDecl *T, const VarDecl *V, ASTContext &Ctx) {
  const auto *Fn = dyn_cast<FunctionDecl>(V->getDeclContext());
  const CompoundStmt *Scope = scopeOf(V, Ctx);
  DynTypedNodeList TParents = Ctx.getParents(*T);
  const auto *TDecl = TParents.empty() ? nullptr : TParents[0].get<DeclStmt>();
  if (!Fn || !Fn->getBody() || !Scope || !TDecl || !T->hasLocalStorage() ||
      T->getDeclContext() != V->getDeclContext() ||
      !isWithin(TDecl, Scope, Ctx) ||
      !Ctx.getSourceManager().isBeforeInTranslationUnit(V->getLocation(),
                                                        T->getLocation()))
    return false;
  LocalRefs Refs(T);
  Refs.TraverseStmt(Fn->getBody());
  if (!Refs.Nested.empty())
    return false;
  for (const DeclRefExpr *R : Refs.In) {
    TaskFate F = fateOfTask(R, Ctx);
    bool RangeFor = F.K == TaskFate::Stored && F.Target &&
                    F.Target->isImplicit() && isa<VarDecl>(F.Target) &&
                    cast<VarDecl>(F.Target)->getType()->isReferenceType();
    if (F.K != TaskFate::Awaited && F.K != TaskFate::Completed &&
        F.K != TaskFate::UsedInPlace && !RangeFor)
      return false;
  }
  return true;
}

std::optional<ClosureRisk> variableRisk(const VarDecl *V, ASTContext &Ctx) {
  if (V->hasGlobalStorage())
    return std::nullopt; // lives until the program exits
  const auto *Fn = dyn_cast<FunctionDecl>(V->getDeclContext());
  const Stmt *Body = Fn ? Fn->getBody() : nullptr;
  std::string Name = "'" + V->getName().str() + "'";
  if (!V->hasLocalStorage() || !Body)
    return ClosureRisk{V->getLocation(),
                       "the closure " + Name + " is declared here"};
  LocalRefs Refs(V);
  Refs.TraverseStmt(const_cast<Stmt *>(Body));
  if (!Refs.Nested.empty())
    return ClosureRisk{Refs.Nested.front()->getBeginLoc(),
                       "the closure " + Name +
                           " is used here by another lambda, which may "
                           "outlive it"};
  for (const DeclRefExpr *R : Refs.In) {
    auto [P, Object] = enclosing(R, Ctx);
    const CXXOperatorCallExpr *Call = callOf(P, Object);
    if (!Call)
      return ClosureRisk{R->getBeginLoc(),
                         "the closure " + Name +
                             " is used here other than by a call whose task "
                             "is awaited at once; it may not outlive the "
                             "coroutine"};
    TaskFate Fate;
    if (finishesInFullExpression(Call, Ctx, Fate))
      continue;
    const auto *T = dyn_cast_or_null<VarDecl>(Fate.Target);
    if (!(Fate.K == TaskFate::Stored && T && taskStaysInScope(T, V, Ctx)))
      return ClosureRisk{Fate.Loc, describeFate(Fate) + ", while the closure " +
                                       Name + " dies at the end of its scope"};
  }
  return std::nullopt;
}

/// Nothing when the closure of \p L provably outlives every coroutine made
/// from it (the cases of the file comment); else where it may be lost.
std::optional<ClosureRisk> closureRisk(const LambdaExpr *L, ASTContext &Ctx) {
  auto [P, Object] = enclosing(L, Ctx);
  if (const auto *V = P.get<VarDecl>())
    return variableRisk(V, Ctx);
  if (const CXXOperatorCallExpr *Call = callOf(P, Object)) {
    TaskFate Fate;
    if (finishesInFullExpression(Call, Ctx, Fate))
      return std::nullopt;
    return ClosureRisk{Fate.Loc,
                       describeFate(Fate) +
                           ", while the closure is a temporary destroyed at "
                           "the end of the full-expression"};
  }
  TaskFate Fate = fateOfTask(L, Ctx);
  if (Fate.K == TaskFate::Awaited || Fate.K == TaskFate::Completed)
    return std::nullopt; // a temporary that lives through the await
  if (Fate.K == TaskFate::PassedOn &&
      keepsCallableAlive(dyn_cast_or_null<FunctionDecl>(Fate.Target)))
    return std::nullopt;
  return ClosureRisk{Fate.Loc.isValid() ? Fate.Loc : L->getBeginLoc(),
                     describeFate(Fate, "the closure") +
                         ", and nothing ties its lifetime to the coroutine's"};
}

/// The key of `this` among the captured declarations.
const char ThisKey = 0;

} // namespace

void CapturingLambdaCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(lambdaExpr(unless(isExpansionInSystemHeader())).bind("l"),
                    this);
}

void CapturingLambdaCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *L = Result.Nodes.getNodeAs<LambdaExpr>("l");
  if (!L || L->capture_size() == 0 || context().ignored(L->getBeginLoc()))
    return;
  if (!L->isGenericLambda()) {
    analyze(L, L->getCallOperator());
    return;
  }
  if (const FunctionTemplateDecl *T = L->getDependentCallOperator())
    for (const FunctionDecl *Spec : T->specializations())
      analyze(L, Spec);
}

void CapturingLambdaCheck::analyze(const LambdaExpr *L,
                                   const FunctionDecl *Op) {
  if (!Op || Op->isDependentContext() || !isCoroutine(Op))
    return;
  ASTContext &Ctx = context().ast();
  llvm::DenseSet<const void *> Captured;
  for (const LambdaCapture &C : L->captures()) {
    if (C.capturesThis())
      Captured.insert(&ThisKey);
    else if (C.capturesVariable())
      Captured.insert(C.getCapturedVar());
  }
  UsesAfterSuspension Uses =
      usesAfterSuspension(Op, Ctx, [&](const Stmt *S) -> const void * {
        if (const auto *R = dyn_cast<DeclRefExpr>(S))
          return !R->isNonOdrUse() && Captured.count(R->getDecl())
                     ? R->getDecl()
                     : nullptr;
        return isa<CXXThisExpr>(S) && Captured.count(&ThisKey) ? &ThisKey
                                                               : nullptr;
      });
  if (Uses.GaveUp) {
    gaveUp(Op);
    return;
  }
  if (Uses.First.empty())
    return;
  std::optional<ClosureRisk> Risk = closureRisk(L, Ctx);
  if (!Risk)
    return;
  for (const LambdaCapture &C : L->captures()) {
    const void *Key = C.capturesThis() ? &ThisKey
                      : C.capturesVariable()
                          ? static_cast<const void *>(C.getCapturedVar())
                          : nullptr;
    auto It = Key ? Uses.First.find(Key) : Uses.First.end();
    if (It == Uses.First.end())
      continue;
    std::string What;
    if (C.capturesThis())
      What = C.getCaptureKind() == LCK_StarThis ? "captured '*this'"
                                                : "captured 'this'";
    else
      What = std::string(L->isInitCapture(&C) ? "init-capture"
                         : C.getCaptureKind() == LCK_ByRef
                             ? "by-reference capture"
                             : "capture") +
             " '" + C.getCapturedVar()->getName().str() + "'";
    const SuspendedUse &U = It->second;
    Finding F = diag(
        U.Use->getBeginLoc(),
        What + " of a lambda coroutine is used after the coroutine may have "
               "suspended; captures live in the closure object, not in the "
               "coroutine frame, and the closure may be destroyed while the "
               "coroutine is suspended");
    note(F, U.At.Where, suspensionNote(U.At));
    note(F, Risk->Loc, Risk->Note);
    note(F, C.getLocation(), What.substr(What.find('\'')) + " is captured here");
    emit(std::move(F));
  }
}

} // namespace lockstep
