//===- CvWaitWithoutPredicateCheck.cpp - cv-wait-without-predicate --------===//
#include "CvWaitWithoutPredicateCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include <algorithm>
#include <cctype>

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void CvWaitWithoutPredicateCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(
      callExpr(unless(isExpansionInSystemHeader()),
               callee(functionDecl(hasAnyName(
                   "wait", "wait_for", "wait_until", "::pthread_cond_wait",
                   "::pthread_cond_timedwait", "::pthread_cond_clockwait"))))
          .bind("wait"),
      this);
}

namespace {

const Stmt *parentOf(const Stmt *S, ASTContext &Ctx) {
  auto Parents = Ctx.getParents(*S);
  if (Parents.empty())
    return nullptr;
  return Parents[0].get<Stmt>();
}

bool isConstantTrue(const Expr *E, const ASTContext &Ctx) {
  if (!E)
    return true; // for (;;)
  bool V = false;
  return !E->isValueDependent() && E->EvaluateAsBooleanCondition(V, Ctx) && V;
}

/// A break or return in \p S that leaves the loop (not one that belongs to a
/// nested loop or switch).
bool exitsLoop(const Stmt *S) {
  if (!S)
    return false;
  if (isa<BreakStmt>(S) || isa<ReturnStmt>(S) || isa<CXXThrowExpr>(S) ||
      isa<GotoStmt>(S))
    return true;
  for (const Stmt *C : S->children()) {
    if (!C)
      continue;
    if (isa<WhileStmt>(C) || isa<ForStmt>(C) || isa<DoStmt>(C) ||
        isa<SwitchStmt>(C) || isa<CXXForRangeStmt>(C)) {
      // breaks inside belong to the nested statement; returns still exit
      struct Finder {
        static bool ret(const Stmt *S) {
          if (!S)
            return false;
          if (isa<ReturnStmt>(S) || isa<CXXThrowExpr>(S))
            return true;
          for (const Stmt *C : S->children())
            if (ret(C))
              return true;
          return false;
        }
      };
      if (Finder::ret(C))
        return true;
      continue;
    }
    if (exitsLoop(C))
      return true;
  }
  return false;
}

/// The loop body checks the state before the wait: `if (ready) break;`.
bool checksBefore(const Stmt *Body, const Stmt *Wait, const SourceManager &SM) {
  if (!Body)
    return false;
  if (const auto *If = dyn_cast<IfStmt>(Body))
    if (SM.isBeforeInTranslationUnit(If->getBeginLoc(), Wait->getBeginLoc()) &&
        !(SM.isBeforeInTranslationUnit(If->getBeginLoc(), Wait->getBeginLoc()) &&
          SM.isBeforeInTranslationUnit(Wait->getEndLoc(), If->getEndLoc())) &&
        (exitsLoop(If->getThen()) || exitsLoop(If->getElse())))
      return true;
  for (const Stmt *C : Body->children())
    if (C && !isa<LambdaExpr>(C) && checksBefore(C, Wait, SM))
      return true;
  return false;
}

/// True if \p Body assigns \p VD (or takes its address).
bool modifiedIn(const Stmt *Body, const VarDecl *VD) {
  if (!Body)
    return false;
  auto Names = [&](const Expr *E) {
    const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
    return DRE && DRE->getDecl() == VD;
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(Body))
    if (BO->isAssignmentOp() && Names(BO->getLHS()))
      return true;
  if (const auto *UO = dyn_cast<UnaryOperator>(Body))
    if ((UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf) &&
        Names(UO->getSubExpr()))
      return true;
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Body))
    if (OC->isAssignmentOp() && OC->getNumArgs() > 0 && Names(OC->getArg(0)))
      return true;
  for (const Stmt *C : Body->children())
    if (modifiedIn(C, VD))
      return true;
  return false;
}

/// Whether the loop condition \p Cond reads state that another thread can
/// change while this one waits: a member, a global, something reached
/// through a reference or pointer, a call that is not a clock reading, or a
/// local the loop body updates. A local copy taken before the loop, a loop
/// counter or a deadline comparison is no re-check.
bool rechecksState(const Stmt *Cond, const Stmt *Body) {
  if (!Cond)
    return false;
  if (isa<MemberExpr>(Cond) || isa<CXXMemberCallExpr>(Cond))
    return true;
  if (const auto *U = dyn_cast<UnaryOperator>(Cond))
    if (U->getOpcode() == UO_Deref)
      return true;
  if (const auto *Call = dyn_cast<CallExpr>(Cond)) {
    const FunctionDecl *F = Call->getDirectCallee();
    if (!isa<CXXOperatorCallExpr>(Call) && (!F || !F->isInStdNamespace())) {
      bool InStd = false;
      for (const DeclContext *DC = F ? F->getDeclContext() : nullptr; DC;
           DC = DC->getParent())
        if (DC->isStdNamespace())
          InStd = true;
      if (!InStd)
        return true;
    }
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      if (VD->hasGlobalStorage() || VD->getType()->isReferenceType() ||
          VD->getType()->isPointerType())
        return true;
      return modifiedIn(Body, VD);
    }
  for (const Stmt *C : Cond->children())
    if (C && rechecksState(C, Body))
      return true;
  return false;
}

/// The wait's lock is the caller's: a guard parameter, or a guard that
/// adopts a mutex the caller locked.
bool waitsWithCallersLock(const CallExpr *Call) {
  if (Call->getNumArgs() == 0)
    return false;
  const auto *DRE = dyn_cast<DeclRefExpr>(Call->getArg(0)->IgnoreParenImpCasts());
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD)
    return false;
  if (isa<ParmVarDecl>(VD))
    return true;
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
      VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
  if (!CE)
    return false;
  for (const Expr *A : CE->arguments())
    if (stdRecordName(A->getType()->getAsCXXRecordDecl()) == "adopt_lock_t")
      return true;
  return false;
}

/// `void CondVar::Wait() { std::unique_lock<std::mutex> l(*mu_,
/// std::adopt_lock); cv_.wait(l); l.release(); }`: a condition-variable
/// wrapper that waits with its caller's lock and looks at no state exposes
/// wait()'s contract; its callers are the ones that must loop.
/// `pthread_cond_wait(&cv_, &mu_->mu_)`: a member condition variable and a
/// mutex inside the object the wrapper was given (its caller's lock).
bool isPthreadWrapperWait(const CallExpr *Call) {
  if (Call->getNumArgs() < 2)
    return false;
  auto Member = [](const Expr *E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(E))
      if (U->getOpcode() == UO_AddrOf)
        E = U->getSubExpr()->IgnoreParenImpCasts();
    return dyn_cast<MemberExpr>(E);
  };
  auto Param = [](const Expr *E) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && isa<ParmVarDecl>(DRE->getDecl());
  };
  const MemberExpr *Cv = Member(Call->getArg(0));
  const MemberExpr *Mu = Member(Call->getArg(1));
  if (!Cv || !Mu)
    return false;
  // `pthread_cond_wait(&cond->pcond, &mutex->pmutex)` in a free function
  // given both: the caller's condition variable and the caller's mutex.
  if (Cv->isArrow() && Param(Cv->getBase()) && Mu->isArrow() &&
      Param(Mu->getBase()))
    return true;
  if (!isa<CXXThisExpr>(Cv->getBase()->IgnoreParenImpCasts()))
    return false;
  const auto *Owner = dyn_cast<MemberExpr>(Mu->getBase()->IgnoreParenImpCasts());
  return Owner && Mu->isArrow() &&
         isa<CXXThisExpr>(Owner->getBase()->IgnoreParenImpCasts());
}

/// Whether \p S names \p D.
bool mentions(const Stmt *S, const Decl *D) {
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
    if (DRE->getDecl() == D)
      return true;
  for (const Stmt *C : S->children())
    if (C && mentions(C, D))
      return true;
  return false;
}

bool isWaitWrapper(const CallExpr *Call, ASTContext &Ctx) {
  const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
  bool Pthread = !MC && isPthreadWrapperWait(Call);
  if (!MC && !Pthread)
    return false;
  if (MC) {
    const auto *ME = dyn_cast<MemberExpr>(
        MC->getImplicitObjectArgument()->IgnoreParenImpCasts());
    if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      return false;
  }
  DynTypedNode N = DynTypedNode::create(*Call);
  while (true) {
    auto Parents = Ctx.getParents(N);
    if (Parents.empty())
      return false;
    if (const auto *FD = Parents[0].get<FunctionDecl>()) {
      if ((!isa<CXXMethodDecl>(FD) && !Pthread) || !FD->getBody() ||
          !(Pthread || waitsWithCallersLock(Call)))
        return false;
      // It looks at no state: every member it names is a lock or a
      // condition variable, it reads no global and nothing through a
      // pointer, and it does not loop. Branches and returns on the wait's
      // own result (`if (err == ETIMEDOUT) return true;`) or on parameters
      // are not state.
      bool State = false;
      std::function<void(const Stmt *)> Walk = [&](const Stmt *X) {
        if (!X || State)
          return;
        // The wait's own operands are the condition variable and the
        // caller's mutex, not state.
        if (Pthread && X == Call)
          return;
        if (isa<WhileStmt>(X) || isa<ForStmt>(X) || isa<DoStmt>(X) ||
            isa<CXXForRangeStmt>(X))
          State = true;
        // `*mutex` of a parameter that is the wait's own operand (handed
        // to an instrumentation hook) is not state either.
        if (const auto *U = dyn_cast<UnaryOperator>(X))
          if (U->getOpcode() == UO_Deref) {
            const auto *DRE =
                dyn_cast<DeclRefExpr>(U->getSubExpr()->IgnoreParenImpCasts());
            if (!DRE || !isa<ParmVarDecl>(DRE->getDecl()) ||
                !mentions(Call, DRE->getDecl()))
              State = true;
          }
        if (const auto *DRE = dyn_cast<DeclRefExpr>(X))
          if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
            if (V->hasGlobalStorage() && !V->isConstexpr() &&
                !V->getType().isConstQualified() &&
                !LockModel::isLockType(V->getType()))
              State = true; // a global that can change (not std::adopt_lock)
        // A field of a local object (`ts.tv_sec`) is the wrapper's own.
        auto LocalObject = [](const MemberExpr *M) {
          const auto *B =
              dyn_cast<DeclRefExpr>(M->getBase()->IgnoreParenImpCasts());
          const auto *V = B ? dyn_cast<VarDecl>(B->getDecl()) : nullptr;
          return !M->isArrow() && V && V->hasLocalStorage() &&
                 !V->getType()->isReferenceType();
        };
        if (const auto *M = dyn_cast<MemberExpr>(X); M && !LocalObject(M)) {
          QualType T = M->getMemberDecl()->getType();
          const auto *RD = T->getPointeeCXXRecordDecl()
                               ? T->getPointeeCXXRecordDecl()
                               : T->getAsCXXRecordDecl();
          llvm::StringRef N = stdRecordName(RD);
          if (isa<FieldDecl>(M->getMemberDecl()) &&
              !LockModel::isLockType(T) && N != "condition_variable" &&
              N != "condition_variable_any")
            State = true;
        }
        for (const Stmt *C : X->children())
          Walk(C);
      };
      Walk(FD->getBody());
      return !State;
    }
    if (Parents[0].get<LambdaExpr>())
      return false;
    // Up through statements and the local declaration the wait initialises
    // (`int err = pthread_cond_timedwait(...);`).
    if (!Parents[0].get<Stmt>() && !Parents[0].get<VarDecl>())
      return false;
    N = Parents[0];
  }
}

} // namespace

void CvWaitWithoutPredicateCheck::check(const MatchFinder::MatchResult &R) {
  const auto *Call = R.Nodes.getNodeAs<CallExpr>("wait");
  if (!Call)
    return;
  ASTContext &Ctx = *R.Context;
  Operation Op = context().model().classify(Call, Ctx);
  if (Op.K != Operation::Kind::CvWait || Op.CvHasPredicate)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  if (isWaitWrapper(Call, Ctx))
    return;
  // Walk out to the nearest loop of the same function.
  const Stmt *Child = Call;
  bool UnderCheck = false;
  for (const Stmt *P = parentOf(Call, Ctx); P; Child = P, P = parentOf(P, Ctx)) {
    if (isa<LambdaExpr>(P))
      break;
    if (const auto *If = dyn_cast<IfStmt>(P)) {
      // `if (!ready) cv.wait(lk);` inside a loop: the state is checked
      // before waiting.
      if (Child != If->getCond())
        UnderCheck = true;
      continue;
    }
    const Expr *Cond = nullptr;
    const Stmt *Body = nullptr;
    if (const auto *W = dyn_cast<WhileStmt>(P)) {
      Cond = W->getCond();
      Body = W->getBody();
    } else if (const auto *F = dyn_cast<ForStmt>(P)) {
      Cond = F->getCond();
      Body = F->getBody();
    } else if (const auto *D = dyn_cast<DoStmt>(P)) {
      // do { cv.wait(lk); } while (!ready); re-checks after each wakeup.
      Cond = D->getCond();
      Body = D->getBody();
    } else {
      continue;
    }
    if (Child != Body)
      break; // the wait is in the loop's condition or increment
    if (UnderCheck)
      return;
    if (!isConstantTrue(Cond, Ctx) && rechecksState(Cond, Body))
      return; // while (!ready) cv.wait(lk);
    if (checksBefore(Body, Call, SM))
      return; // for (;;) { if (ready) break; cv.wait(lk); }
    break;
  }
  // Name the condition variable as written: 'ready_cv_'.
  std::string Name = Op.What.empty() ? "wait" : Op.What;
  const Expr *CvExpr = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    CvExpr = MC->getImplicitObjectArgument();
    if (MC->getMethodDecl())
      Name = MC->getMethodDecl()->getName().str();
  } else if (Call->getNumArgs() > 0) {
    CvExpr = Call->getArg(0);
  }
  std::string Cv;
  if (CvExpr) {
    CvExpr = CvExpr->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(CvExpr))
      if (U->getOpcode() == UO_AddrOf)
        CvExpr = U->getSubExpr();
    Cv = Lexer::getSourceText(
             CharSourceRange::getTokenRange(CvExpr->getSourceRange()), SM,
             Ctx.getLangOpts())
             .str();
  }
  emit(diag(Call->getBeginLoc(),
            "'" + Name + "' on condition variable '" + Cv +
                "' without a predicate, outside a loop that re-checks the "
                "condition: a spurious or lost wakeup goes unnoticed; pass a "
                "predicate or wait in 'while (!condition)'"));
}

} // namespace lockstep
