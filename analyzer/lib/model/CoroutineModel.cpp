//===- CoroutineModel.cpp - Which coroutine expressions suspend -----------===//
#include "lockstep/analyzer/CoroutineModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include <optional>

using namespace clang;

namespace lockstep {
namespace {

/// The call an awaiter operation of a suspension expression is made of
/// (`awaiter.await_ready()`), through the conversions and cleanups Sema
/// wraps it in.
const CXXMethodDecl *awaiterMethod(const Expr *E) {
  if (!E)
    return nullptr;
  const auto *Call = dyn_cast<CallExpr>(E->IgnoreImplicit()->IgnoreParens());
  return Call ? dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee())
              : nullptr;
}

/// The constant a method returns when its whole body is one
/// `return <constant>;` (as std::suspend_never's and most ready-value
/// awaiters' await_ready are written); nullopt otherwise.
std::optional<bool> constantResult(const CXXMethodDecl *MD,
                                   const ASTContext &Ctx) {
  const FunctionDecl *Def = nullptr;
  if (!MD || !MD->hasBody(Def))
    return std::nullopt;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
  if (!Body || Body->size() != 1)
    return std::nullopt;
  const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front());
  const Expr *V = Ret ? Ret->getRetValue() : nullptr;
  bool Result = false;
  if (!V || V->isValueDependent() ||
      !V->EvaluateAsBooleanCondition(Result, Ctx))
    return std::nullopt;
  return Result;
}

} // namespace

bool isCoroutine(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  return FD && FD->hasBody(Def) && isa_and_nonnull<CoroutineBodyStmt>(Def->getBody());
}

const CXXMethodDecl *awaitSuspendMethod(const CoroutineSuspendExpr *E) {
  // The call may sit under the conversions and the __builtin_coro_resume
  // of a handle-returning await_suspend(); it is the only call of that
  // name in the expression.
  llvm::SmallVector<const Stmt *, 8> Todo;
  if (E && E->getSuspendExpr())
    Todo.push_back(E->getSuspendExpr());
  while (!Todo.empty()) {
    const Stmt *S = Todo.pop_back_val();
    if (!S)
      continue;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
      if (const CXXMethodDecl *MD = MC->getMethodDecl())
        if (MD->getIdentifier() && MD->getName() == "await_suspend")
          return MD;
    for (const Stmt *C : S->children())
      Todo.push_back(C);
  }
  return nullptr;
}

const CoroutineSuspendExpr *asSuspendExpr(const Stmt *S) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  return E ? dyn_cast<CoroutineSuspendExpr>(E->IgnoreImplicit()->IgnoreParens())
           : nullptr;
}

bool maySuspend(const CoroutineSuspendExpr *E, const ASTContext &Ctx) {
  if (!E)
    return false;
  // Before Sema has built the awaiter calls (a dependent expression) nothing
  // is known.
  if (!E->getReadyExpr() || !E->getSuspendExpr())
    return true;
  if (constantResult(awaiterMethod(E->getReadyExpr()), Ctx) == true)
    return false;
  // `bool await_suspend(...)` returning false resumes at once; void and
  // handle-returning forms always give control away.
  if (const CXXMethodDecl *MD = awaiterMethod(E->getSuspendExpr()))
    if (MD->getReturnType()->isBooleanType() &&
        constantResult(MD, Ctx) == false)
      return false;
  return true;
}

namespace {

// Maps E itself and every node of its await_resume() call to E.
void mapResumeNodes(const CoroutineSuspendExpr *E, SuspensionMap &ResumeOf) {
  llvm::SmallVector<const Stmt *, 8> Todo;
  if (E->getResumeExpr())
    Todo.push_back(E->getResumeExpr());
  while (!Todo.empty()) {
    const Stmt *S = Todo.pop_back_val();
    if (!S || !ResumeOf.try_emplace(S, E).second)
      continue;
    for (const Stmt *C : S->children())
      Todo.push_back(C);
  }
  ResumeOf.try_emplace(E, E);
}

class SuspensionScan : public RecursiveASTVisitor<SuspensionScan> {
public:
  SuspensionMap ResumeOf;
  bool VisitCoawaitExpr(CoawaitExpr *E) {
    mapResumeNodes(E, ResumeOf);
    return true;
  }
  bool VisitCoyieldExpr(CoyieldExpr *E) {
    mapResumeNodes(E, ResumeOf);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};

} // namespace

SuspensionMap suspensionsOf(const Stmt *Body) {
  SuspensionScan Scan;
  Scan.TraverseStmt(const_cast<Stmt *>(Body));
  return std::move(Scan.ResumeOf);
}

bool startsEagerly(const FunctionDecl *FD, const ASTContext &Ctx) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def))
    return false;
  const auto *Body = dyn_cast_or_null<CoroutineBodyStmt>(Def->getBody());
  if (!Body)
    return false;
  const CoroutineSuspendExpr *Init = asSuspendExpr(Body->getInitSuspendStmt());
  // Without a visible initial suspend nothing says the body waits: claim
  // no laziness, so no use is taken to follow a suspension it may not have.
  return !Init || !maySuspend(Init, Ctx);
}

} // namespace lockstep
