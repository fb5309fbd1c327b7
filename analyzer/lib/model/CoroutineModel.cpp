//===- CoroutineModel.cpp - Which coroutine expressions suspend -----------===//
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/LockModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
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

namespace {

/// The member of \p RD named \p Name: a method, or the class a member type
/// (a nested class or an alias) names; null when there is none to see.
const NamedDecl *memberNamed(const CXXRecordDecl *RD, llvm::StringRef Name,
                             const ASTContext &Ctx) {
  if (!RD || !RD->hasDefinition())
    return nullptr;
  RD = RD->getDefinition();
  for (const NamedDecl *D :
       RD->lookup(&const_cast<ASTContext &>(Ctx).Idents.get(Name))) {
    if (const auto *TD = dyn_cast<TypeDecl>(D))
      return Ctx.getTypeDeclType(TD)->getAsCXXRecordDecl();
    if (const auto *MD = dyn_cast<CXXMethodDecl>(D))
      return MD;
  }
  return nullptr;
}

} // namespace

bool returnsLazyTask(const FunctionDecl *FD, const ASTContext &Ctx) {
  if (!FD)
    return false;
  const auto *Promise = dyn_cast_or_null<CXXRecordDecl>(memberNamed(
      FD->getReturnType()->getAsCXXRecordDecl(), "promise_type", Ctx));
  const auto *Init = dyn_cast_or_null<CXXMethodDecl>(
      memberNamed(Promise, "initial_suspend", Ctx));
  if (!Init)
    return false;
  const auto *Ready = dyn_cast_or_null<CXXMethodDecl>(memberNamed(
      Init->getReturnType()->getAsCXXRecordDecl(), "await_ready", Ctx));
  return constantResult(Ready, Ctx) == false;
}

const char *callerReferenceKind(QualType T) {
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

namespace {

/// Functions that run the task they are given to completion before they
/// return (cppcoro, libunifex, stdexec and lockstep's sync_wait, folly's
/// blockingWait).
bool runsToCompletion(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return false;
  llvm::StringRef N = FD->getName();
  return N == "sync_wait" || N == "blockingWait" || N == "blocking_wait";
}

} // namespace

bool keepsCallableAlive(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return false;
  llvm::StringRef N = FD->getName();
  return N == "co_spawn" || N == "co_invoke";
}

namespace {

/// Calls that only lead the task into the co_await around them: the
/// `operator co_await` Sema calls on it, the promise's await_transform().
bool partOfAwait(const CallExpr *C) {
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(C))
    if (Op->getOperator() == OO_Coawait)
      return true;
  const FunctionDecl *FD = C->getDirectCallee();
  return FD && FD->getIdentifier() && FD->getName() == "await_transform";
}

} // namespace

TaskFate fateOfTask(const Expr *Task, ASTContext &Ctx) {
  auto Fate = [](TaskFate::Kind K, const Stmt *Site, SourceLocation Loc,
                 const NamedDecl *Target = nullptr) {
    TaskFate F;
    F.K = K;
    F.Site = Site;
    F.Loc = Loc;
    F.Target = Target;
    return F;
  };
  // The first call the task was given to as an argument, and whether a
  // member of the task was called (what follows is that call's result, not
  // the task, which dies with the full-expression).
  const CallExpr *PassedTo = nullptr;
  bool InPlace = false;
  DynTypedNode Node = DynTypedNode::create(*Task);
  for (;;) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      break;
    const DynTypedNode &P = Parents[0];
    const auto *Child = Node.get<Stmt>();
    Node = P;
    if (const auto *S = P.get<CoroutineSuspendExpr>())
      return Fate(isa<CoawaitExpr>(S) ? TaskFate::Awaited : TaskFate::Yielded,
                  S, S->getKeywordLoc());
    if (InPlace) {
      if (const auto *C = P.get<CallExpr>(); C && runsToCompletion(C->getDirectCallee()))
        return Fate(TaskFate::Completed, C, C->getBeginLoc());
      if (P.get<Expr>())
        continue;
      break;
    }
    if (const auto *VD = P.get<VarDecl>())
      return Fate(TaskFate::Stored, nullptr, VD->getLocation(), VD);
    if (const auto *FD = P.get<FieldDecl>())
      return Fate(TaskFate::Stored, nullptr, FD->getLocation(), FD);
    if (P.get<ReturnStmt>() || P.get<CoreturnStmt>()) {
      const Stmt *S = P.get<Stmt>();
      return Fate(TaskFate::Returned, S, S->getBeginLoc());
    }
    if (const auto *ME = P.get<MemberExpr>()) {
      (void)ME;
      InPlace = true;
      continue;
    }
    if (const auto *C = P.get<CallExpr>()) {
      if (C->getCallee() == Child) // calling the task itself
        InPlace = true;
      else if (runsToCompletion(C->getDirectCallee()))
        return Fate(TaskFate::Completed, C, C->getBeginLoc());
      else if (!PassedTo && !partOfAwait(C))
        PassedTo = C;
      continue;
    }
    if (const auto *CI = P.get<CXXCtorInitializer>())
      return Fate(TaskFate::Stored, nullptr, CI->getSourceLocation(),
                  CI->getMember());
    if (const auto *BO = P.get<BinaryOperator>(); BO && BO->isAssignmentOp())
      return Fate(TaskFate::Stored, BO, BO->getOperatorLoc());
    if (const auto *L = P.get<LambdaExpr>()) // an init-capture
      return Fate(TaskFate::Stored, L, L->getBeginLoc());
    if (const auto *N = P.get<CXXNewExpr>())
      return Fate(TaskFate::Stored, N, N->getBeginLoc());
    // Conversions, temporaries, parentheses, the constructor of an object
    // that holds the task, a branch of ?:, an initializer list: the task
    // goes on with the enclosing expression.
    if (P.get<Expr>())
      continue;
    break;
  }
  if (InPlace)
    return Fate(TaskFate::UsedInPlace, nullptr, Task->getBeginLoc());
  if (PassedTo) {
    const FunctionDecl *Callee = PassedTo->getDirectCallee();
    SourceLocation Loc = PassedTo->getExprLoc();
    return Fate(TaskFate::PassedOn, PassedTo, Loc, Callee);
  }
  return Fate(TaskFate::Discarded, nullptr, Task->getEndLoc());
}

bool outlivesFullExpression(const TaskFate &F, QualType TaskType) {
  switch (F.K) {
  case TaskFate::Awaited:
  case TaskFate::Completed:
  case TaskFate::Yielded:
    return false;
  case TaskFate::Stored:
  case TaskFate::Returned:
  case TaskFate::PassedOn:
    return true;
  case TaskFate::UsedInPlace:
  case TaskFate::Discarded:
    break;
  }
  const CXXRecordDecl *RD = TaskType->getAsCXXRecordDecl();
  return !RD || !RD->hasDefinition() || RD->hasTrivialDestructor();
}

std::string describeFate(const TaskFate &F, const std::string &Subject) {
  std::string Name = F.Target && F.Target->getIdentifier()
                         ? " '" + F.Target->getName().str() + "'"
                         : "";
  switch (F.K) {
  case TaskFate::Stored:
    return Subject + " is stored" + (Name.empty() ? "" : " in" + Name) +
           " here";
  case TaskFate::Returned:
    return Subject + " is returned here";
  case TaskFate::PassedOn:
    return Subject + " is passed" + (Name.empty() ? " on" : " to" + Name) +
           " here";
  case TaskFate::Discarded:
  case TaskFate::UsedInPlace:
    return Subject + " is dropped here, and its type (with a trivial "
                     "destructor) does not destroy the coroutine, which goes "
                     "on";
  case TaskFate::Awaited:
    return Subject + " is awaited here";
  case TaskFate::Completed:
    return Subject + " is run to completion here";
  case TaskFate::Yielded:
    return Subject + " is yielded here";
  }
  return "";
}

} // namespace lockstep
