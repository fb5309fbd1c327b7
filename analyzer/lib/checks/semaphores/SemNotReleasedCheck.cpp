//===- SemNotReleasedCheck.cpp - sem-not-released -------------------------===//
//
// The "semaphore permits" domain of the flow engine (FlowEngine.h): which
// permits a path has taken and not given back, for the semaphores the
// function uses as scoped permits.
//
// A semaphore is a scoped permit of a function when the function itself
// (not a lambda inside it) both acquires and releases it, and nothing hands
// the permit elsewhere: the function passes the semaphore to no other call
// or object (an RAII guard, a scope-exit lambda), and no function of the
// translation unit releases the same semaphore (the same global, or the same
// member of the same class) without acquiring it — such a semaphore is a
// hand-off (producer/consumer signalling, acquire in lock() and release in
// unlock()). A function whose last normal exit keeps the permit is taken to
// hand it on by design (`acquire(); if (!push(t)) { release(); return false;
// } return true;`) and is not reported either.
//
// Operations: acquire() and sem_wait() with its result ignored take the
// permit; try_acquire*() and sem_trywait/sem_timedwait/sem_clockwait (and
// sem_wait whose result is used) take it when their result says so, which
// is followed through branches on the call and on a local holding the
// result (`bool ok = s.try_acquire_for(t); if (!ok) return;`, `while ((rc =
// sem_wait(&s)) == -1 && errno == EINTR) {}` then `if (rc != 0) ...`).
// release() and sem_post() give it back.
//
// Exits: each return and falling off the end; an explicit throw that leaves
// the function (one inside a try block goes to its handlers in the CFG); a
// call that visibly throws, decided by TUAnalysis::visibleThrower, the rule
// lock-not-released uses. Calls inside try blocks, and every call of a
// noexcept function or destructor, are not exception exits. Paths that end
// in a call that never returns (TUAnalysis::neverReturns) are dropped.
//
//===----------------------------------------------------------------------===//
#include "SemNotReleasedCheck.h"
#include "lockstep/analyzer/FlowEngine.h"
#include "lockstep/analyzer/LockPath.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include <map>
#include <optional>
#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

// --- recognising the operations ---------------------------------------------

bool isStdSemaphore(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType();
  return stdRecordName(T->getAsCXXRecordDecl()) == "counting_semaphore";
}

bool isSemT(QualType T) {
  while (!T.isNull()) {
    const auto *TT = T->getAs<TypedefType>();
    if (!TT)
      return false;
    if (TT->getDecl()->getName() == "sem_t")
      return true;
    T = TT->desugar();
  }
  return false;
}

/// A semaphore object, or a pointer or reference to one.
bool isSemaphoreType(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return isStdSemaphore(T) || isSemT(T);
}

struct SemOp {
  enum Kind { None, Acquire, Try, Release, Query } K = None;
  const Expr *Sem = nullptr; ///< the semaphore operand as written
  bool Posix = false;        ///< success is 0, failure -1 (else true/false)
  bool Wait = false;         ///< sem_wait: a plain acquire if unchecked
};

SemOp classify(const Stmt *S) {
  SemOp Op;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    const Expr *Obj = MC->getImplicitObjectArgument();
    if (!M || !M->getIdentifier() || !Obj || !isStdSemaphore(Obj->getType()))
      return Op;
    Op.Sem = Obj;
    Op.K = llvm::StringSwitch<SemOp::Kind>(M->getName())
               .Case("acquire", SemOp::Acquire)
               .Cases("try_acquire", "try_acquire_for", "try_acquire_until",
                      SemOp::Try)
               .Case("release", SemOp::Release)
               .Default(SemOp::Query);
    return Op;
  }
  const auto *CE = dyn_cast<CallExpr>(S);
  const FunctionDecl *F = CE ? CE->getDirectCallee() : nullptr;
  if (!F || !F->getIdentifier() || CE->getNumArgs() < 1 ||
      !F->getDeclContext()->getRedeclContext()->isTranslationUnit() ||
      !CE->getArg(0)->getType()->isPointerType() ||
      !isSemT(CE->getArg(0)->getType()->getPointeeType()))
    return Op;
  Op.Sem = CE->getArg(0);
  Op.Posix = true;
  llvm::StringRef N = F->getName();
  if (N == "sem_wait") {
    Op.K = SemOp::Try;
    Op.Wait = true;
  } else if (N == "sem_trywait" || N == "sem_timedwait" ||
             N == "sem_clockwait") {
    Op.K = SemOp::Try;
  } else if (N == "sem_post") {
    Op.K = SemOp::Release;
  } else {
    Op.K = SemOp::Query; // sem_getvalue, sem_init, sem_destroy ...
  }
  return Op;
}

const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(Next))
      Next = EWC->getSubExpr();
    if (Next == E)
      break;
    E = Next;
  }
  return E;
}

/// A test of a value: `x`, `!x`, `x == c`, `c != x`, `x < c` ... The
/// tested object is Operand (the assignment `rc = call` stands for rc).
struct Normalized {
  const Expr *Operand = nullptr;
  std::optional<BinaryOperatorKind> Cmp;
  std::int64_t C = 0;
  bool Neg = false;
  /// The value of the whole expression when the operand is \p V.
  std::int64_t apply(std::int64_t V) const {
    std::int64_t R = V;
    if (Cmp) {
      switch (*Cmp) {
      case BO_EQ: R = V == C; break;
      case BO_NE: R = V != C; break;
      case BO_LT: R = V < C; break;
      case BO_LE: R = V <= C; break;
      case BO_GT: R = V > C; break;
      case BO_GE: R = V >= C; break;
      default: break;
      }
    }
    return Neg ? R == 0 : R;
  }
};

BinaryOperatorKind swapSides(BinaryOperatorKind K) {
  switch (K) {
  case BO_LT: return BO_GT;
  case BO_GT: return BO_LT;
  case BO_LE: return BO_GE;
  case BO_GE: return BO_LE;
  default: return K;
  }
}

Normalized normalize(const Expr *E, const ASTContext &Ctx) {
  Normalized N;
  E = strip(E);
  while (const auto *U = dyn_cast_or_null<UnaryOperator>(E)) {
    if (U->getOpcode() != UO_LNot)
      break;
    N.Neg = !N.Neg;
    E = strip(U->getSubExpr());
  }
  if (const auto *B = dyn_cast_or_null<BinaryOperator>(E)) {
    if (B->isComparisonOp() && !B->isCommaOp()) {
      Expr::EvalResult R;
      const Expr *L = B->getLHS(), *Rt = B->getRHS();
      if (!Rt->isValueDependent() && Rt->EvaluateAsInt(R, Ctx)) {
        N.Cmp = B->getOpcode();
        E = strip(L);
      } else if (!L->isValueDependent() && L->EvaluateAsInt(R, Ctx)) {
        N.Cmp = swapSides(B->getOpcode());
        E = strip(Rt);
      } else {
        return N; // a comparison of two unknowns tells nothing
      }
      N.C = R.Val.getInt().getExtValue();
    }
  }
  if (const auto *B = dyn_cast_or_null<BinaryOperator>(E))
    if (B->getOpcode() == BO_Assign)
      E = strip(B->getLHS());
  N.Operand = E;
  return N;
}

const VarDecl *localVar(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? strip(E) : nullptr);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType() ||
      !VD->getType()->isScalarType())
    return nullptr;
  return VD;
}

// --- what a function does with its semaphores ------------------------------

/// One walk over a function body (see the file comment for how its sets
/// decide which semaphores are scoped permits).
struct Scan {
  const FunctionDecl *FD;
  llvm::StringMap<std::string> Names;     ///< key -> as written
  llvm::StringMap<std::string> OrderKeys; ///< key -> identity across functions
  llvm::StringSet<> Acquired, Released, Handed;
  /// Calls whose value is thrown away (`sem_wait(&s);`).
  llvm::DenseSet<const Stmt *> Discarded;
  /// Inside a try block: an exception there may be caught here.
  llvm::DenseSet<const Stmt *> InTry;
  /// Locals written other than by storing a try's result.
  llvm::DenseSet<const VarDecl *> Changed;

  std::optional<std::string> key(const Expr *Sem) {
    std::optional<LockPath> P = LockPath::fromExpr(Sem, FD);
    if (!P || P->Imprecise)
      return std::nullopt;
    std::string K = P->key();
    Names[K] = P->name();
    OrderKeys[K] = P->orderKey();
    return K;
  }

  void discarded(const Stmt *S) {
    const auto *E = dyn_cast_or_null<Expr>(S);
    if (!E)
      return;
    E = strip(E);
    if (const auto *C = dyn_cast<CStyleCastExpr>(E))
      if (C->getType()->isVoidType())
        E = strip(C->getSubExpr());
    if (isa<CallExpr>(E))
      Discarded.insert(E);
  }

  void markTry(const Stmt *S) {
    if (!S)
      return;
    InTry.insert(S);
    for (const Stmt *C : S->children())
      markTry(C);
  }

  void walk(const Stmt *S, const Stmt *Parent, bool InLambda) {
    if (!S)
      return;
    if (const auto *L = dyn_cast<LambdaExpr>(S)) {
      // The lambda is a function of its own: a semaphore it touches is
      // handed to it (a scope-exit action, a callback that releases).
      walk(L->getBody(), nullptr, true);
      return;
    }
    if (const auto *T = dyn_cast<CXXTryStmt>(S))
      markTry(T->getTryBlock());
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      for (const Stmt *C : CS->body())
        discarded(C);
    if (const auto *I = dyn_cast<IfStmt>(S)) {
      discarded(I->getThen());
      discarded(I->getElse());
    }
    if (const auto *F = dyn_cast<ForStmt>(S)) {
      discarded(F->getInc());
      discarded(F->getBody());
    }
    if (const auto *W = dyn_cast<WhileStmt>(S))
      discarded(W->getBody());
    if (const auto *Sw = dyn_cast<SwitchCase>(S))
      discarded(Sw->getSubStmt());
    if (const auto *B = dyn_cast<BinaryOperator>(S)) {
      if (B->getOpcode() == BO_Comma)
        discarded(B->getLHS());
      // `rc = sem_wait(&s)`: rc still tells the result.
      if (B->getOpcode() == BO_Assign && localVar(B->getLHS()))
        if (const auto *RC = dyn_cast<CallExpr>(strip(B->getRHS())))
          if (classify(RC).K == SemOp::Try) {
            walk(B->getRHS(), B, InLambda);
            return;
          }
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      // `auto &s = pool.sem;` only renames it (LockPath follows it).
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D)) {
          if (VD->getType()->isReferenceType() &&
              isSemaphoreType(VD->getType()))
            continue;
          walk(VD->getInit(), DS, InLambda);
        }
      return;
    }
    SemOp Op = classify(S);
    if (Op.K != SemOp::None) {
      if (std::optional<std::string> K = key(Op.Sem)) {
        if (InLambda)
          Handed.insert(*K);
        else if (Op.K == SemOp::Acquire || Op.K == SemOp::Try)
          Acquired.insert(*K);
        else if (Op.K == SemOp::Release)
          Released.insert(*K);
      }
      // The arguments, but not the semaphore itself (nor the callee, which
      // names it for a member call).
      for (const Expr *A : cast<CallExpr>(S)->arguments())
        if (A != Op.Sem)
          walk(A, S, InLambda);
      return;
    }
    if (const auto *E = dyn_cast<Expr>(S))
      if ((isa<DeclRefExpr>(E) || isa<MemberExpr>(E)) &&
          isSemaphoreType(E->getType())) {
        // Any other use gives the semaphore to someone else.
        if (std::optional<std::string> K = key(E))
          Handed.insert(*K);
        return;
      }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(Parent);
        if (!Cast || Cast->getCastKind() != CK_LValueToRValue)
          Changed.insert(VD);
      }
    for (const Stmt *C : S->children())
      walk(C, S, InLambda);
  }
};

// --- the domain ------------------------------------------------------------

/// A permit a path took and has not given back.
struct Permit {
  enum class Status : std::uint8_t {
    Held,      ///< taken
    IfResult,  ///< taken if the try's result says success (not yet tested)
    TryFailed, ///< the try failed: nothing to give back
  };
  Status St = Status::Held;
  /// IfResult: the try call, until its result is stored in Witness.
  const Expr *Call = nullptr;
  /// The local holding the try's result, and the values it has on success
  /// and on failure: a later branch on it tells the paths apart.
  const VarDecl *Witness = nullptr;
  std::int64_t ValS = 1, ValF = 0;
  /// Where the permit was taken (a few, when paths merge).
  llvm::SmallVector<const Stmt *, 2> Acquires;
  /// Held on only some of the paths merged into this one, told apart by
  /// nothing the analysis follows: the rest of the path may be infeasible,
  /// so an exit with it is not reported.
  bool Uncertain = false;

  bool sameTry(const Permit &O) const {
    return Witness == O.Witness && Call == O.Call && ValS == O.ValS &&
           ValF == O.ValF && (Witness || Call);
  }
  bool operator==(const Permit &O) const {
    return St == O.St && Call == O.Call && Witness == O.Witness &&
           ValS == O.ValS && ValF == O.ValF && Acquires == O.Acquires &&
           Uncertain == O.Uncertain;
  }
};

/// The permits of a path, by semaphore (LockPath key).
///
/// Join (a may-analysis: a permit kept on some path out of the function is
/// the bug): a permit taken on both incoming paths stays taken, with the
/// acquisitions united. A permit taken on one path and not on the other
/// (never taken, given back, or a try that failed) is kept but Uncertain:
/// the later code may tell the two paths apart by a test the analysis does
/// not follow (`if (c()) s.acquire(); ... if (c()) s.release();`), so it is
/// never reported. The one merge that stays certain is that of a try's
/// success and failure paths carrying the same result variable: the permit
/// is then IfResult again, and the next test of the variable decides it.
struct PermitState {
  std::map<std::string, Permit> Facts;
  bool operator==(const PermitState &O) const { return Facts == O.Facts; }
};

Permit joinPermit(const Permit *A, const Permit *B) {
  if (!A || !B) {
    Permit R = A ? *A : *B;
    if (R.St != Permit::Status::TryFailed)
      R.Uncertain = true;
    return R;
  }
  Permit R = *A;
  for (const Stmt *S : B->Acquires)
    if (!llvm::is_contained(R.Acquires, S) && R.Acquires.size() < 4)
      R.Acquires.push_back(S);
  R.Uncertain = A->Uncertain || B->Uncertain;
  if (A->St == B->St) {
    if (!A->sameTry(*B)) {
      R.Witness = nullptr;
      R.Call = nullptr;
      if (R.St == Permit::Status::IfResult)
        R.Uncertain = true;
    }
    return R;
  }
  if (A->sameTry(*B)) {
    // Success and failure of one try (or a try still untested) meet.
    R.St = Permit::Status::IfResult;
    return R;
  }
  R.St = Permit::Status::Held;
  R.Witness = nullptr;
  R.Call = nullptr;
  R.Uncertain = true;
  return R;
}

PermitState joinStates(const PermitState &A, const PermitState &B) {
  PermitState R;
  for (const auto &[K, P] : A.Facts) {
    auto It = B.Facts.find(K);
    R.Facts[K] = joinPermit(&P, It == B.Facts.end() ? nullptr : &It->second);
  }
  for (const auto &[K, P] : B.Facts)
    if (!A.Facts.count(K))
      R.Facts[K] = joinPermit(nullptr, &P);
  return R;
}

/// A path out of the function with a permit still taken.
struct Leak {
  const Stmt *Acquire;
  std::string Key;
  SourceLocation ExitLoc;
  std::string Note;
};

class PermitsDomain {
public:
  using State = PermitState;

  PermitsDomain(ASTContext &Ctx, TUAnalysis &TU, Scan &Sc,
                const llvm::StringSet<> &Tracked, bool CanThrowOut)
      : Ctx(Ctx), TU(TU), Sc(Sc), Tracked(Tracked), CanThrowOut(CanThrowOut) {}

  State join(const State &A, const State &B) const { return joinStates(A, B); }

  void transfer(const CFGBlock &B, const State &In, FlowPhase Phase,
                std::vector<std::optional<State>> &Out) {
    State S = In;
    for (const CFGElement &El : B) {
      auto CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      step(St, S, Phase == FlowPhase::Report);
      if (const auto *Call = dyn_cast<CallExpr>(St))
        if (TU.neverReturns(Call))
          return; // the path ends: every edge stays empty
    }
    const Expr *Cond = nullptr;
    const Stmt *Term = B.getTerminatorStmt();
    if (B.succ_size() == 2 && Term &&
        (isa<IfStmt>(Term) || isa<WhileStmt>(Term) || isa<ForStmt>(Term) ||
         isa<DoStmt>(Term) || isa<ConditionalOperator>(Term) ||
         isa<BinaryOperator>(Term) || isa<BinaryConditionalOperator>(Term))) {
      Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition(false));
      // The block evaluating the right side of `a && b` branches on b.
      while (const auto *BO = dyn_cast_or_null<BinaryOperator>(
                 Cond ? Cond->IgnoreParens() : nullptr)) {
        if (!BO->isLogicalOp())
          break;
        Cond = BO->getRHS();
      }
    }
    unsigned I = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B.succs()) {
      if (Succ.getReachableBlock()) {
        State Copy = S;
        if (Cond)
          decide(Copy, Cond, I == 0);
        Out[I] = std::move(Copy);
      }
      ++I;
    }
  }

  /// Exits through calls that visibly throw, found in the reporting pass.
  std::vector<Leak> ThrowLeaks;

private:
  void step(const Stmt *St, State &S, bool Report) {
    SemOp Op = classify(St);
    if (Op.K == SemOp::Acquire || Op.K == SemOp::Try ||
        Op.K == SemOp::Release) {
      std::optional<std::string> K = Sc.key(Op.Sem);
      if (!K || !Tracked.count(*K))
        return;
      if (Op.K == SemOp::Release) {
        S.Facts.erase(*K);
        return;
      }
      auto It = S.Facts.find(*K);
      bool Plain = Op.K == SemOp::Acquire ||
                   (Op.Wait && Sc.Discarded.count(St));
      if (It != S.Facts.end() && It->second.St == Permit::Status::Held) {
        // A second permit of the same semaphore: one fact stands for both.
        if (!llvm::is_contained(It->second.Acquires, St) &&
            It->second.Acquires.size() < 4)
          It->second.Acquires.push_back(St);
        return;
      }
      Permit P;
      P.Acquires.push_back(St);
      if (!Plain) {
        P.St = Permit::Status::IfResult;
        P.Call = cast<Expr>(St);
        P.ValS = Op.Posix ? 0 : 1;
        P.ValF = Op.Posix ? -1 : 0;
      }
      S.Facts[*K] = P;
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(St)) {
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (VD->getInit())
            store(S, VD, VD->getInit());
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
      if (BO->getOpcode() == BO_Assign)
        if (const VarDecl *VD = localVar(BO->getLHS()))
          store(S, VD, BO->getRHS());
      return;
    }
    if (Report && CanThrowOut && !Sc.InTry.count(St) &&
        (isa<CallExpr>(St) || isa<CXXConstructExpr>(St) ||
         isa<CXXNewExpr>(St))) {
      if (const auto *CC = dyn_cast<CXXConstructExpr>(St))
        if (CC->getConstructor()->isTrivial())
          return;
      std::string Thrower = TU.visibleThrower(cast<Expr>(St));
      if (Thrower.empty())
        return;
      if (!llvm::StringRef(Thrower).startswith("the "))
        Thrower = "'" + Thrower + "'";
      for (const auto &[K, P] : S.Facts)
        if (P.St == Permit::Status::Held && !P.Uncertain)
          ThrowLeaks.push_back(
              {P.Acquires.front(), K, St->getBeginLoc(),
               Thrower + " may throw here, leaving the function with the "
                         "permit of '" + Sc.Names.lookup(K) + "' taken"});
    }
  }

  /// \p VD takes the value of \p Init: if that is a try's result (or a
  /// test of it), VD now tells whether the permit was taken.
  void store(State &S, const VarDecl *VD, const Expr *Init) {
    bool Valid = VD->hasLocalStorage() &&
                 !VD->getType()->isReferenceType() &&
                 VD->getType()->isScalarType() && !Sc.Changed.count(VD);
    Normalized N = normalize(Init, Ctx);
    for (auto &[K, P] : S.Facts) {
      if (P.Witness == VD) {
        // Overwritten: the variable tells no more about this permit.
        P.Witness = nullptr;
        if (P.St == Permit::Status::IfResult && !P.Call)
          P.Uncertain = true;
      }
      if (!Valid || P.St != Permit::Status::IfResult || !P.Call ||
          P.Call != N.Operand)
        continue;
      std::int64_t S1 = N.apply(P.ValS), F1 = N.apply(P.ValF);
      if (S1 == F1)
        continue;
      P.Witness = VD;
      P.Call = nullptr;
      P.ValS = S1;
      P.ValF = F1;
    }
  }

  /// The edge of a branch on \p Cond that is taken when it is \p TrueEdge.
  void decide(State &S, const Expr *Cond, bool TrueEdge) {
    Normalized N = normalize(Cond, Ctx);
    if (!N.Operand)
      return;
    const VarDecl *V = nullptr;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(N.Operand))
      V = dyn_cast<VarDecl>(DRE->getDecl());
    for (auto &[K, P] : S.Facts) {
      bool Tells = (V && P.Witness == V) || (P.Call && P.Call == N.Operand);
      if (!Tells)
        continue;
      bool OnSuccess = (N.apply(P.ValS) != 0) == TrueEdge;
      bool OnFailure = (N.apply(P.ValF) != 0) == TrueEdge;
      if (P.St == Permit::Status::IfResult) {
        if (OnSuccess && !OnFailure)
          P.St = Permit::Status::Held;
        else if (!OnSuccess && OnFailure)
          P.St = Permit::Status::TryFailed;
        else
          continue;
        if (!P.Witness)
          P.Call = nullptr; // decided; nothing else tests the call
      } else if (P.St == Permit::Status::Held && !OnSuccess) {
        P.St = Permit::Status::TryFailed; // this edge is not the taken path
      }
    }
  }

  ASTContext &Ctx;
  TUAnalysis &TU;
  Scan &Sc;
  const llvm::StringSet<> &Tracked;
  bool CanThrowOut;
};

} // namespace

void SemNotReleasedCheck::registerMatchers(MatchFinder &Finder) {
  matchFunctionBodies(Finder);
}

void SemNotReleasedCheck::check(const MatchFinder::MatchResult &Result) {
  if (FunctionBody F = matchedBody(Result); F.Function)
    Functions.push_back(F);
}

void SemNotReleasedCheck::afterLockAnalysis(TUAnalysis &TU) {
  ASTContext &Ctx = context().ast();
  const SourceManager &SM = Ctx.getSourceManager();
  // Every function first: a semaphore some function releases without
  // acquiring it is handed over between functions, never a scoped permit.
  std::vector<Scan> Scans;
  Scans.reserve(Functions.size());
  llvm::StringSet<> ReleasedElsewhere;
  for (const FunctionBody &F : Functions) {
    Scans.push_back(Scan{F.Function, {}, {}, {}, {}, {}, {}, {}, {}});
    Scan &Sc = Scans.back();
    if (isa<CoroutineBodyStmt>(F.Body))
      continue; // a coroutine's exits are not its returns
    Sc.walk(F.Body, nullptr, false);
    for (const auto &K : Sc.Released)
      if (!Sc.Acquired.count(K.getKey()))
        if (std::string O = Sc.OrderKeys.lookup(K.getKey()); !O.empty())
          ReleasedElsewhere.insert(O);
  }

  for (size_t I = 0; I < Functions.size(); ++I) {
    const FunctionBody &F = Functions[I];
    Scan &Sc = Scans[I];
    llvm::StringSet<> Tracked;
    for (const auto &K : Sc.Acquired) {
      llvm::StringRef Key = K.getKey();
      std::string O = Sc.OrderKeys.lookup(Key);
      if (Sc.Released.count(Key) && !Sc.Handed.count(Key) &&
          !(O.size() && ReleasedElsewhere.count(O)))
        Tracked.insert(Key);
    }
    if (Tracked.empty())
      continue;
    CFG::BuildOptions BO;
    BO.AddImplicitDtors = true;
    BO.setAllAlwaysAdd();
    std::unique_ptr<CFG> Cfg =
        CFG::buildCFG(F.Function, const_cast<Stmt *>(F.Body), &Ctx, BO);
    if (!Cfg)
      continue;
    const auto *FPT = F.Function->getType()->getAs<FunctionProtoType>();
    bool CanThrowOut = Ctx.getLangOpts().CXXExceptions &&
                       !isa<CXXDestructorDecl>(F.Function) &&
                       !(FPT && FPT->isNothrow());
    PermitsDomain Domain(Ctx, TU, Sc, Tracked, CanThrowOut);
    FlowEngine<PermitsDomain> Engine(*Cfg, Domain);
    if (Engine.run(PermitState()) == FlowOutcome::GaveUp) {
      gaveUp(F.Function);
      continue;
    }
    Engine.report();

    // The paths into the exit: returns, falling off the end, throws.
    struct ExitPath {
      PermitState State;
      SourceLocation Loc;
      bool Throw;
    };
    std::vector<ExitPath> Exits;
    for (auto &[PB, Out] : Engine.exitEdges()) {
      ExitPath E{std::move(Out), F.Body->getEndLoc(), false};
      for (const CFGElement &El : *PB)
        if (auto CS = El.getAs<CFGStmt>()) {
          if (isa<ReturnStmt>(CS->getStmt())) {
            E.Loc = CS->getStmt()->getBeginLoc();
            E.Throw = false;
          } else if (isa<CXXThrowExpr>(CS->getStmt())) {
            E.Loc = CS->getStmt()->getBeginLoc();
            E.Throw = true;
          }
        }
      Exits.push_back(std::move(E));
    }
    // The last normal exit in the source keeping a permit: the function
    // hands it on by design (see the file comment).
    const ExitPath *Main = nullptr;
    for (const ExitPath &E : Exits)
      if (!E.Throw &&
          (!Main || SM.isBeforeInTranslationUnit(Main->Loc, E.Loc)))
        Main = &E;
    llvm::StringSet<> Kept;
    if (Main)
      for (const auto &[K, P] : Main->State.Facts)
        if (P.St != Permit::Status::TryFailed)
          Kept.insert(K);

    std::vector<Leak> Leaks;
    for (const ExitPath &E : Exits)
      for (const auto &[K, P] : E.State.Facts)
        if (P.St == Permit::Status::Held && !P.Uncertain)
          Leaks.push_back(
              {P.Acquires.front(), K, E.Loc,
               E.Throw ? "an exception leaves the function here with the "
                         "permit of '" + Sc.Names.lookup(K) + "' taken"
                       : "the function exits here without releasing '" +
                             Sc.Names.lookup(K) + "'"});
    Leaks.insert(Leaks.end(), Domain.ThrowLeaks.begin(),
                 Domain.ThrowLeaks.end());
    std::set<std::pair<const Stmt *, std::string>> Done;
    for (const Leak &L : Leaks) {
      if (Kept.count(L.Key) || !Done.insert({L.Acquire, L.Key}).second)
        continue;
      std::string Name = Sc.Names.lookup(L.Key);
      Finding Fd = diag(L.Acquire->getBeginLoc(),
                        "semaphore '" + Name +
                            "' is acquired here but not released on every "
                            "path out of the function (other paths "
                            "release it)");
      note(Fd, L.ExitLoc, L.Note);
      emit(std::move(Fd));
    }
  }
}

} // namespace lockstep
