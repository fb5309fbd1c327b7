//===- ConditionalArrivalCheck.cpp - barrier-conditional-arrival ----------===//
//
// How it decides, in three steps (a false report is worse than a miss, so
// every step gives up on what it does not understand):
//  1. Who shares the object: a local std::barrier, std::latch or
//     pthread_barrier_t, used only by direct calls, in its owner function and
//     in lambdas launched as threads there (std::thread / std::jthread
//     constructors, emplace_back into a container of threads), directly or in
//     `for (int i = A; i < B; ++i)` launch loops.
//  2. Which values differ per thread: the launch loops' variables (and
//     values computed from them) that a thread body copies (by-copy or init
//     captures, extra launch arguments bound to the lambda's parameters). A
//     condition "splits" the threads when evaluating it for the launched
//     values of these variables gives both true and false.
//  3. Whether a split skips arrivals: the thread body is summarised statement
//     by statement (how many arrivals every path makes); a splitting `if`
//     (or an early return/continue/break under one) whose two sides arrive a
//     different number of times, or a loop whose trip count depends on the
//     thread, is a finding — when the object's count says that every launched
//     thread is a participant (otherwise the subset may be on purpose, and a
//     plainly wrong count is barrier-participant-mismatch's finding).
//
//===----------------------------------------------------------------------===//
#include "ConditionalArrivalCheck.h"
#include "Participation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

using barriers::Chain;
using barriers::findRefs;

enum class Kind { Barrier, Latch, Pthread };

/// A count known at compile time, or linear in one variable that is never
/// written (`n`, `n + 1`): enough to tell that a barrier's count is the
/// number of threads launched by `for (int i = 0; i < n; ++i)`.
struct Lin {
  const VarDecl *V = nullptr;
  std::int64_t Coef = 0, C = 0;
  bool operator==(const Lin &O) const {
    return C == O.C && Coef == O.Coef && (Coef == 0 || V == O.V);
  }
};

std::optional<Lin> add(std::optional<Lin> A, std::optional<Lin> B) {
  if (!A || !B)
    return std::nullopt;
  if (A->Coef && B->Coef && A->V != B->V)
    return std::nullopt;
  Lin R{A->Coef ? A->V : B->V, A->Coef + B->Coef, A->C + B->C};
  return R;
}

std::optional<Lin> mul(std::optional<Lin> A, std::optional<Lin> B) {
  if (!A || !B || (A->Coef && B->Coef))
    return std::nullopt;
  if (A->Coef)
    std::swap(A, B);
  // A is a constant now.
  return Lin{B->V, B->Coef * A->C, B->C * A->C};
}

bool isWrapper(const Stmt *S) {
  return isa<ImplicitCastExpr>(S) || isa<MaterializeTemporaryExpr>(S) ||
         isa<CXXBindTemporaryExpr>(S) || isa<ParenExpr>(S) ||
         isa<ExprWithCleanups>(S) || isa<CXXFunctionalCastExpr>(S) ||
         (isa<CXXConstructExpr>(S) &&
          cast<CXXConstructExpr>(S)->getType()->getAsCXXRecordDecl() &&
          cast<CXXConstructExpr>(S)
              ->getType()
              ->getAsCXXRecordDecl()
              ->isLambda());
}

/// A thread launch: it takes its arguments by forwarding reference but
/// copies them into the new thread.
bool isLaunch(const Stmt *S) {
  if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(S))
    return barriers::isThreadType(CE->getType());
  if (const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(S))
    return MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
           (MC->getMethodDecl()->getName() == "emplace_back" ||
            MC->getMethodDecl()->getName() == "emplace_front") &&
           barriers::isThreadContainer(
               MC->getImplicitObjectArgument()->getType());
  return false;
}

/// Whether \p V may be changed in \p S: any use that is not a plain read
/// (or an argument of a thread launch).
bool written(const Stmt *S, const VarDecl *V, const Stmt *Parent = nullptr) {
  if (!S)
    return false;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
    if (DRE->getDecl() == V) {
      const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(Parent);
      return !(Cast && Cast->getCastKind() == CK_LValueToRValue) &&
             !isa_and_nonnull<LambdaExpr>(Parent) && !isLaunch(Parent);
    }
  for (const Stmt *C : S->children())
    if (written(C, V, S))
      return true;
  return false;
}

/// Whether \p Loc is written inside \p S.
bool within(SourceLocation Loc, const Stmt *S, const SourceManager &SM) {
  SourceLocation L = SM.getExpansionLoc(Loc);
  SourceLocation B = SM.getExpansionLoc(S->getBeginLoc());
  SourceLocation E = SM.getExpansionRange(S->getEndLoc()).getEnd();
  return !SM.isBeforeInTranslationUnit(L, B) &&
         !SM.isBeforeInTranslationUnit(E, L);
}

const VarDecl *varOf(const Expr *E) {
  const auto *DRE =
      dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

/// `for (int i = A; i < B; ++i)` (also `<=`, `!=`, `i++`, `i += 1`), with the
/// variable left alone by the body: the variable and the parts.
struct LoopShape {
  const VarDecl *V = nullptr;
  const Expr *From = nullptr, *To = nullptr;
  bool Inclusive = false;
};

std::optional<LoopShape> loopShape(const ForStmt *F, const ASTContext &Ctx) {
  LoopShape L;
  const auto *DS = dyn_cast_or_null<DeclStmt>(F->getInit());
  if (!DS || !DS->isSingleDecl())
    return std::nullopt;
  L.V = dyn_cast<VarDecl>(DS->getSingleDecl());
  if (!L.V || !L.V->getType()->isIntegerType() || !L.V->getInit())
    return std::nullopt;
  L.From = L.V->getInit();
  const Expr *Inc = F->getInc() ? F->getInc()->IgnoreParenImpCasts() : nullptr;
  bool Up = false;
  if (const auto *U = dyn_cast_or_null<UnaryOperator>(Inc))
    Up = U->isIncrementOp() && varOf(U->getSubExpr()) == L.V;
  else if (const auto *CA = dyn_cast_or_null<CompoundAssignOperator>(Inc)) {
    std::optional<std::int64_t> K = barriers::constantInt(CA->getRHS(), Ctx);
    Up = CA->getOpcode() == BO_AddAssign && varOf(CA->getLHS()) == L.V && K &&
         *K == 1;
  }
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      F->getCond() ? F->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!Up || !Cond || varOf(Cond->getLHS()) != L.V ||
      written(F->getBody(), L.V))
    return std::nullopt;
  if (Cond->getOpcode() != BO_LT && Cond->getOpcode() != BO_LE &&
      Cond->getOpcode() != BO_NE)
    return std::nullopt;
  L.To = Cond->getRHS();
  L.Inclusive = Cond->getOpcode() == BO_LE;
  return L;
}

/// A loop that launches threads: its variable takes Values (all of them
/// when the bounds are constant, else the first two: the check assumes at
/// least two threads), and it runs Trips times.
struct LaunchLoop {
  const ForStmt *Loop = nullptr;
  const VarDecl *V = nullptr;
  std::vector<std::int64_t> Values;
  Lin Trips;
};

/// One thread body and how it is launched.
struct Body {
  const LambdaExpr *L = nullptr;
  const Expr *Launch = nullptr;
  llvm::SmallVector<const Expr *, 2> Args; ///< after the callable
  std::vector<LaunchLoop> Loops;           ///< outermost first
  std::optional<Lin> Launches;
  llvm::DenseMap<const CallExpr *, std::int64_t> Arrivals; ///< -1: unknown
  llvm::DenseSet<const CallExpr *> Drops;
};

/// A per-thread value: whether it can differ between the threads, and its
/// value for the threads' loop variables currently in Env.
struct Val {
  bool Varies = false;
  std::optional<llvm::APSInt> V;
};

/// A condition evaluated for every launched combination of values.
enum class Split { Same, Splits, Unproven };

/// What a statement of a thread body does to the object, on every path.
struct Sum {
  enum { Exact, May, Unknown } K = Exact;
  std::int64_t N = 0;     ///< arrivals, when Exact
  bool Arrives = false;   ///< some arrival inside
  bool Drops = false;     ///< some arrive_and_drop inside
  bool CutReturn = false; ///< a return taken by all threads alike
  bool CutLoop = false;   ///< a break taken by all threads alike
  std::optional<std::int64_t> Intended = 0; ///< arrivals if every split
                                            ///< took its arriving side
  const CallExpr *First = nullptr;
};

Sum unknown(const Sum &A, const Sum &B) {
  Sum R;
  R.K = Sum::Unknown;
  R.Arrives = A.Arrives || B.Arrives;
  R.Drops = A.Drops || B.Drops;
  R.First = A.First ? A.First : B.First;
  R.Intended = std::nullopt;
  return R;
}

Sum seq(const Sum &A, const Sum &B) {
  Sum R = unknown(A, B);
  R.CutReturn = A.CutReturn || B.CutReturn;
  R.CutLoop = A.CutLoop || B.CutLoop;
  if (A.Intended && B.Intended)
    R.Intended = *A.Intended + *B.Intended;
  if (A.K == Sum::Unknown || B.K == Sum::Unknown)
    return R;
  if ((A.CutReturn || A.CutLoop) && B.Arrives)
    R.K = Sum::May;
  else if (A.K == Sum::Exact && B.K == Sum::Exact) {
    R.K = Sum::Exact;
    R.N = A.N + B.N;
  } else {
    R.K = Sum::May;
  }
  return R;
}

/// A finding: an arrival that the threads on one side of Guard reach and
/// the others do not (or not as often).
struct Divergence {
  const CallExpr *Arrival = nullptr;
  const Stmt *Guard = nullptr;
  const Expr *Cond = nullptr;
  bool WhenTrue = true; ///< the arrival is on the side where Cond holds
  bool Trip = false;    ///< a loop whose trip count differs per thread
  const DeclRefExpr *Why = nullptr; ///< the per-thread value in Cond
};

class BodyAnalyzer {
public:
  BodyAnalyzer(const Body &B, ASTContext &Ctx) : B(B), Ctx(Ctx) {
    for (const LambdaCapture &Cap : B.L->captures())
      if (Cap.capturesVariable() && Cap.getCaptureKind() == LCK_ByCopy)
        if (const auto *V = dyn_cast<VarDecl>(Cap.getCapturedVar()))
          ByCopy.insert(V);
    Params = B.L->getCallOperator();
  }

  /// Summarises the thread body; findings go to Found.
  Sum run() {
    return items(stmtsOf(B.L->getBody()), /*TopLevel=*/true,
                 /*LoopBody=*/false);
  }

  std::vector<Divergence> Found;

private:
  const Body &B;
  ASTContext &Ctx;
  llvm::DenseSet<const VarDecl *> ByCopy;
  const CXXMethodDecl *Params = nullptr;
  llvm::DenseMap<const VarDecl *, std::int64_t> Env;
  llvm::DenseSet<const VarDecl *> Visiting;
  const DeclRefExpr *LastWhy = nullptr;

  /// Declared in the thread body itself.
  bool inBody(const Decl *D) const {
    return within(D->getLocation(), B.L->getBody(), Ctx.getSourceManager());
  }

  const LaunchLoop *launchLoopOf(const VarDecl *V) const {
    for (const LaunchLoop &LL : B.Loops)
      if (LL.V == V)
        return &LL;
    return nullptr;
  }

  /// A variable of the owner declared inside a launch loop, before the
  /// launch: it may differ per thread through its initializer.
  bool inLaunchLoop(const VarDecl *V) const {
    const SourceManager &SM = Ctx.getSourceManager();
    for (const LaunchLoop &LL : B.Loops)
      if (within(V->getLocation(), LL.Loop->getBody(), SM))
        return true;
    return false;
  }

  llvm::APSInt make(std::int64_t X, QualType T) const {
    unsigned W = Ctx.getIntWidth(T);
    bool U = T->isUnsignedIntegerOrEnumerationType();
    return llvm::APSInt(llvm::APInt(W, static_cast<std::uint64_t>(X), !U), U);
  }

  bool mentionsVarying(const Stmt *S, bool InBody) {
    if (!S)
      return false;
    if (const auto *E = dyn_cast<DeclRefExpr>(S))
      return ref(E, InBody).Varies;
    if (isa<LambdaExpr>(S))
      return false;
    for (const Stmt *C : S->children())
      if (mentionsVarying(C, InBody))
        return true;
    return false;
  }

  /// The value of a variable reference, seen from the thread body (InBody)
  /// or from the owner (launch arguments, init-captures).
  Val ref(const DeclRefExpr *E, bool InBody) {
    Val R;
    if (const auto *EC = dyn_cast<EnumConstantDecl>(E->getDecl())) {
      R.V = make(EC->getInitVal().getExtValue(), E->getType());
      return R;
    }
    const auto *V = dyn_cast<VarDecl>(E->getDecl());
    if (!V)
      return R;
    if (!Visiting.insert(V).second)
      return R; // a cycle through initializers: no value
    struct Pop {
      llvm::DenseSet<const VarDecl *> &S;
      const VarDecl *V;
      ~Pop() { S.erase(V); }
    } P{Visiting, V};
    auto Mark = [&](Val X) {
      if (X.Varies && !LastWhy)
        LastWhy = E;
      return X;
    };
    if (const auto *PV = dyn_cast<ParmVarDecl>(V)) {
      if (PV->getDeclContext() == Params) {
        unsigned I = PV->getFunctionScopeIndex();
        if (I < B.Args.size())
          return Mark(get(B.Args[I], /*InBody=*/false));
        return R;
      }
    }
    if (V->isInitCapture()) {
      for (const LambdaCapture &Cap : B.L->captures())
        if (Cap.capturesVariable() && Cap.getCapturedVar() == V)
          return Mark(get(V->getInit(), /*InBody=*/false));
      return R;
    }
    if (InBody && inBody(V)) {
      // A local of the thread body: its initializer, when nothing writes it.
      if (!written(B.L->getBody(), V))
        return V->getInit() ? Mark(get(V->getInit(), true)) : R;
      R.Varies = V->getInit() && get(V->getInit(), true).Varies;
      R.V.reset();
      return Mark(R);
    }
    if (V->hasLocalStorage()) {
      // An owner variable: per thread only when copied into the thread.
      bool Copied = !InBody || ByCopy.count(V);
      const LaunchLoop *LL = launchLoopOf(V);
      Val X;
      if (LL) {
        X.Varies = true;
        auto It = Env.find(V);
        if (It != Env.end())
          X.V = make(It->second, V->getType());
      } else if (inLaunchLoop(V) && V->getInit() &&
                 !written(outerLaunchLoop(), V)) {
        X = get(V->getInit(), false);
      }
      // A loop variable shared by reference is racy, not per thread; a copy
      // that a mutable body changes no longer has its launch value.
      if (X.Varies && (!Copied || (InBody && written(B.L->getBody(), V))))
        X.V.reset();
      if (!X.Varies)
        if (std::optional<std::int64_t> K = barriers::constantInt(E, Ctx))
          X.V = make(*K, E->getType());
      return Mark(X);
    }
    // Globals, statics, thread_locals: the same for every thread as far as
    // the check can tell (see the doc page).
    if (std::optional<std::int64_t> K = barriers::constantInt(E, Ctx))
      R.V = make(*K, E->getType());
    return R;
  }

  const Stmt *outerLaunchLoop() const {
    return B.Loops.empty() ? nullptr : B.Loops.front().Loop;
  }

  Val get(const Expr *E, bool InBody) {
    Val R;
    if (!E)
      return R;
    if (const auto *IL = dyn_cast<IntegerLiteral>(E)) {
      R.V = llvm::APSInt(IL->getValue(),
                         IL->getType()->isUnsignedIntegerOrEnumerationType());
      return R;
    }
    if (const auto *BL = dyn_cast<CXXBoolLiteralExpr>(E)) {
      R.V = make(BL->getValue(), E->getType());
      return R;
    }
    if (const auto *CL = dyn_cast<CharacterLiteral>(E)) {
      R.V = make(CL->getValue(), E->getType());
      return R;
    }
    if (const auto *P = dyn_cast<ParenExpr>(E))
      return get(P->getSubExpr(), InBody);
    if (const auto *EC = dyn_cast<ExprWithCleanups>(E))
      return get(EC->getSubExpr(), InBody);
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return ref(DRE, InBody);
    if (const auto *CE = dyn_cast<CastExpr>(E)) {
      Val S = get(CE->getSubExpr(), InBody);
      if (!S.V)
        return S;
      switch (CE->getCastKind()) {
      case CK_LValueToRValue:
      case CK_NoOp:
        return S;
      case CK_IntegralCast: {
        QualType T = CE->getType();
        S.V = S.V->extOrTrunc(Ctx.getIntWidth(T));
        S.V->setIsUnsigned(T->isUnsignedIntegerOrEnumerationType());
        return S;
      }
      case CK_IntegralToBoolean:
        S.V = make(!S.V->isZero(), CE->getType());
        return S;
      default:
        S.V.reset();
        return S;
      }
    }
    if (const auto *U = dyn_cast<UnaryOperator>(E)) {
      Val S = get(U->getSubExpr(), InBody);
      if (!S.V)
        return S;
      switch (U->getOpcode()) {
      case UO_Plus:
        return S;
      case UO_Minus:
        S.V = -*S.V;
        return S;
      case UO_Not:
        S.V = ~*S.V;
        return S;
      case UO_LNot:
        S.V = make(S.V->isZero(), U->getType());
        return S;
      default:
        S.V.reset();
        return S;
      }
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      Val L = get(BO->getLHS(), InBody), Rt = get(BO->getRHS(), InBody);
      R.Varies = L.Varies || Rt.Varies;
      if (BO->isLogicalOp() && L.V) {
        bool LV = !L.V->isZero();
        if (BO->getOpcode() == BO_LAnd && !LV) {
          R.V = make(0, BO->getType());
          return R;
        }
        if (BO->getOpcode() == BO_LOr && LV) {
          R.V = make(1, BO->getType());
          return R;
        }
        if (Rt.V)
          R.V = make(!Rt.V->isZero(), BO->getType());
        return R;
      }
      if (!L.V || !Rt.V || L.V->getBitWidth() != Rt.V->getBitWidth() ||
          L.V->isUnsigned() != Rt.V->isUnsigned())
        return R;
      const llvm::APSInt &A = *L.V, &C = *Rt.V;
      switch (BO->getOpcode()) {
      case BO_Add:
        R.V = A + C;
        break;
      case BO_Sub:
        R.V = A - C;
        break;
      case BO_Mul:
        R.V = A * C;
        break;
      case BO_Div:
      case BO_Rem:
        if (C.isZero() ||
            (A.isSigned() && A.isMinSignedValue() && C.isAllOnes()))
          return R;
        R.V = BO->getOpcode() == BO_Div ? A / C : A % C;
        break;
      case BO_And:
        R.V = A & C;
        break;
      case BO_Or:
        R.V = A | C;
        break;
      case BO_Xor:
        R.V = A ^ C;
        break;
      case BO_LT:
        R.V = make(A < C, BO->getType());
        break;
      case BO_GT:
        R.V = make(A > C, BO->getType());
        break;
      case BO_LE:
        R.V = make(A <= C, BO->getType());
        break;
      case BO_GE:
        R.V = make(A >= C, BO->getType());
        break;
      case BO_EQ:
        R.V = make(A == C, BO->getType());
        break;
      case BO_NE:
        R.V = make(A != C, BO->getType());
        break;
      default:
        break;
      }
      return R;
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      Val C = get(CO->getCond(), InBody);
      Val T = get(CO->getTrueExpr(), InBody),
          F = get(CO->getFalseExpr(), InBody);
      R.Varies = C.Varies || T.Varies || F.Varies;
      if (C.V)
        R.V = C.V->isZero() ? F.V : T.V;
      return R;
    }
    // Anything else (calls, member accesses ...): no value; it differs per
    // thread only through what it mentions.
    R.Varies = mentionsVarying(E, InBody);
    if (!R.Varies)
      if (std::optional<std::int64_t> K = barriers::constantInt(E, Ctx))
        R.V = make(*K, E->getType());
    return R;
  }

  /// Calls F once per launched combination of the loop variables' values
  /// (at most 1024; each loop's first two values when there are more).
  template <typename Fn> void forEachThread(Fn F) {
    std::size_t Combos = 1;
    for (const LaunchLoop &LL : B.Loops)
      Combos *= std::max<std::size_t>(1, LL.Values.size());
    bool Few = Combos > 1024;
    std::vector<std::size_t> Idx(B.Loops.size(), 0);
    for (;;) {
      Env.clear();
      for (std::size_t I = 0; I < B.Loops.size(); ++I)
        if (!B.Loops[I].Values.empty())
          Env[B.Loops[I].V] = B.Loops[I].Values[Idx[I]];
      F();
      std::size_t I = 0;
      for (; I < B.Loops.size(); ++I) {
        std::size_t Lim = B.Loops[I].Values.size();
        if (Few)
          Lim = std::min<std::size_t>(Lim, 2);
        if (++Idx[I] < Lim)
          break;
        Idx[I] = 0;
      }
      if (I == B.Loops.size())
        break;
    }
    Env.clear();
  }

  Split classify(const Expr *Cond, const DeclRefExpr *&Why) {
    LastWhy = nullptr;
    if (!mentionsVarying(Cond, true))
      return Split::Same;
    Why = LastWhy;
    bool SawTrue = false, SawFalse = false, Missing = false;
    forEachThread([&] {
      Val X = get(Cond, true);
      if (!X.V)
        Missing = true;
      else if (X.V->isZero())
        SawFalse = true;
      else
        SawTrue = true;
    });
    if (Missing)
      return Split::Unproven;
    return SawTrue && SawFalse ? Split::Splits : Split::Same;
  }

  /// Arrivals inside an expression or declaration statement.
  Sum plain(const Stmt *S) {
    Sum R;
    bool Bad = false;
    walkArrivals(S, false, R, Bad);
    if (Bad) {
      Sum U = unknown(R, R);
      return U;
    }
    return R;
  }

  void walkArrivals(const Stmt *S, bool Guarded, Sum &R, bool &Bad) {
    if (!S || isa<LambdaExpr>(S))
      return;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      auto It = B.Arrivals.find(CE);
      if (It != B.Arrivals.end()) {
        if (It->second != 0) {
          R.Arrives = true;
          if (!R.First)
            R.First = CE;
        }
        if (B.Drops.count(CE))
          R.Drops = true;
        if (It->second < 0 || (Guarded && It->second != 0)) {
          Bad = true;
        } else {
          R.N += It->second;
          if (R.Intended)
            *R.Intended += It->second;
        }
      }
    }
    bool G = Guarded || isa<AbstractConditionalOperator>(S) ||
             (isa<BinaryOperator>(S) && cast<BinaryOperator>(S)->isLogicalOp());
    for (const Stmt *C : S->children())
      walkArrivals(C, G, R, Bad);
  }

  /// Whether a return, or a break/continue that leaves \p S, is in S.
  static bool escapes(const Stmt *S, bool InLoop = false,
                      bool InSwitch = false) {
    if (!S || isa<LambdaExpr>(S))
      return false;
    if (isa<ReturnStmt>(S) || isa<CoreturnStmt>(S) || isa<GotoStmt>(S) ||
        isa<IndirectGotoStmt>(S))
      return true;
    if (isa<ContinueStmt>(S))
      return !InLoop;
    if (isa<BreakStmt>(S))
      return !InLoop && !InSwitch;
    bool Loop = InLoop || isa<ForStmt>(S) || isa<WhileStmt>(S) ||
                isa<DoStmt>(S) || isa<CXXForRangeStmt>(S);
    bool Sw = InSwitch || isa<SwitchStmt>(S);
    for (const Stmt *C : S->children())
      if (escapes(C, Loop, Sw))
        return true;
    return false;
  }

  /// The jump a branch ends with (`return;`, `{ ...; continue; }`), or null.
  static const Stmt *endJump(const Stmt *Br) {
    if (!Br)
      return nullptr;
    if (const auto *CS = dyn_cast<CompoundStmt>(Br))
      Br = CS->body_empty() ? nullptr : CS->body_back();
    if (isa_and_nonnull<ReturnStmt>(Br) || isa_and_nonnull<BreakStmt>(Br) ||
        isa_and_nonnull<ContinueStmt>(Br))
      return Br;
    return nullptr;
  }

  static llvm::SmallVector<const Stmt *, 8> stmtsOf(const Stmt *S,
                                                    bool DropLast = false) {
    llvm::SmallVector<const Stmt *, 8> R;
    if (!S)
      return R;
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      R.append(CS->body_begin(), CS->body_end());
    else
      R.push_back(S);
    if (DropLast && !R.empty())
      R.pop_back();
    return R;
  }

  /// Both sides of a condition: T runs where it holds, F where it does not.
  Sum sides(const Stmt *Guard, const Expr *Cond, const Sum &T, const Sum &F,
            bool JumpLeavesPhase) {
    Sum R = unknown(T, F);
    R.CutReturn = T.CutReturn || F.CutReturn;
    R.CutLoop = T.CutLoop || F.CutLoop;
    if (T.K == Sum::Unknown || F.K == Sum::Unknown)
      return R;
    bool Equal = T.K == Sum::Exact && F.K == Sum::Exact && T.N == F.N;
    const DeclRefExpr *Why = nullptr;
    Split S = classify(Cond, Why);
    if (S == Split::Same) {
      R.K = Equal                      ? Sum::Exact
            : (T.Arrives || F.Arrives) ? Sum::May
                                       : Sum::Exact;
      R.N = T.N;
      if (T.Intended && F.Intended && *T.Intended == *F.Intended)
        R.Intended = T.Intended;
      return R;
    }
    if (T.Intended && F.Intended)
      R.Intended = std::max(*T.Intended, *F.Intended);
    if (Equal && !JumpLeavesPhase) {
      R.K = Sum::Exact;
      R.N = T.N;
      return R;
    }
    if (S == Split::Unproven || T.Drops || F.Drops)
      return R;
    // Both sides known: the split side that arrives more often (or at all,
    // against one that never does) is the finding.
    const Sum *Big = nullptr;
    bool BigTrue = true;
    if (T.K == Sum::Exact && F.K == Sum::Exact && T.N != F.N) {
      BigTrue = T.N > F.N;
      Big = BigTrue ? &T : &F;
    } else if (T.K == Sum::Exact && T.N == 0 && !T.Arrives && F.Arrives) {
      Big = &F;
      BigTrue = false;
    } else if (F.K == Sum::Exact && F.N == 0 && !F.Arrives && T.Arrives) {
      Big = &T;
    }
    if (Big && Big->First)
      Found.push_back({Big->First, Guard, Cond, BigTrue, false, Why});
    return R;
  }

  /// A sequence of statements of one block. TopLevel: the thread body's own
  /// block; LoopBody: the block of a loop of the thread body.
  Sum items(llvm::ArrayRef<const Stmt *> List, bool TopLevel, bool LoopBody) {
    Sum Acc;
    for (std::size_t I = 0; I < List.size(); ++I) {
      const Stmt *S = List[I];
      if (const auto *If = dyn_cast<IfStmt>(S)) {
        const Stmt *JT = endJump(If->getThen()), *JE = endJump(If->getElse());
        if ((JT != nullptr) != (JE != nullptr)) {
          const Stmt *J = JT ? JT : JE;
          bool Ret = isa<ReturnStmt>(J);
          bool Allowed = (Ret && (TopLevel || LoopBody)) || (!Ret && LoopBody);
          const Stmt *JumpBr = JT ? If->getThen() : If->getElse();
          const Stmt *Other = JT ? If->getElse() : If->getThen();
          llvm::SmallVector<const Stmt *, 8> P = stmtsOf(JumpBr, true);
          bool PEscapes = false;
          for (const Stmt *X : P)
            PEscapes |= escapes(X);
          if (Allowed && !PEscapes && !If->getConditionVariable()) {
            Sum Pre = plain(If->getCond());
            if (If->getInit())
              Pre = seq(plain(If->getInit()), Pre);
            Sum Jump = items(P, false, false);
            llvm::SmallVector<const Stmt *, 8> Rest = stmtsOf(Other);
            Sum RestSum = items(Rest, false, false);
            if (Other && escapes(Other))
              RestSum = unknown(RestSum, RestSum);
            RestSum =
                seq(RestSum, items(List.slice(I + 1), TopLevel, LoopBody));
            // A break, or a return out of a loop, also skips the later
            // phases: equal counts in this phase do not make it consistent.
            bool Leaves = isa<BreakStmt>(J) || (Ret && LoopBody);
            if (isa<BreakStmt>(J))
              Jump.CutLoop = true;
            if (Ret)
              Jump.CutReturn = true;
            Sum R = JT ? sides(If, If->getCond(), Jump, RestSum, Leaves)
                       : sides(If, If->getCond(), RestSum, Jump, Leaves);
            return seq(Acc, seq(Pre, R));
          }
        }
      }
      if (escapes(S)) {
        Sum X = plain(S);
        return seq(Acc, unknown(X, X));
      }
      Acc = seq(Acc, stmt(S));
    }
    return Acc;
  }

  Sum loop(const Stmt *L, const Stmt *Body, const Expr *Cond,
           llvm::ArrayRef<const Stmt *> Heads) {
    Sum H;
    for (const Stmt *X : Heads)
      H = seq(H, plain(X));
    if (H.Arrives)
      return unknown(H, H);
    Sum BS = items(stmtsOf(Body), false, true);
    // A break or return taken by all threads alike still ends the loop
    // early: its trip count is no longer the one in its header.
    bool Early = BS.CutLoop || BS.CutReturn;
    BS.CutLoop = false; // a break only leaves this loop
    if (BS.K == Sum::Unknown) {
      BS.Intended.reset();
      return BS;
    }
    if (!BS.Arrives)
      return BS;
    const auto *F = dyn_cast<ForStmt>(L);
    const DeclRefExpr *Why = nullptr;
    LastWhy = nullptr;
    bool CondVaries = Cond && mentionsVarying(Cond, true);
    Why = LastWhy;
    std::optional<LoopShape> Shape = F ? loopShape(F, Ctx) : std::nullopt;
    auto TripsNow = [&]() -> std::optional<llvm::APSInt> {
      Val A = get(Shape->From, true), Z = get(Shape->To, true);
      if (!A.V || !Z.V || A.V->getBitWidth() != Z.V->getBitWidth() ||
          A.V->isUnsigned() != Z.V->isUnsigned())
        return std::nullopt;
      llvm::APSInt T = *Z.V - *A.V;
      if (Shape->Inclusive)
        ++T;
      if (T.isSigned() && T.isNegative())
        T = 0;
      return T;
    };
    Sum R = BS;
    R.Intended.reset();
    if (!CondVaries && !(Shape && get(Shape->From, true).Varies)) {
      std::optional<llvm::APSInt> T;
      if (Shape)
        forEachThread([&] { T = TripsNow(); });
      if (T && BS.K == Sum::Exact && !Early) {
        std::int64_t N = T->getExtValue();
        R.N = BS.N * N;
        if (BS.Intended)
          R.Intended = *BS.Intended * N;
      } else {
        R.K = Sum::May;
      }
      return R;
    }
    R.K = Sum::Unknown;
    if (!Shape || BS.K != Sum::Exact || BS.N <= 0 || BS.Drops || Early)
      return R;
    std::optional<llvm::APSInt> First;
    bool Differ = false, Missing = false;
    forEachThread([&] {
      std::optional<llvm::APSInt> T = TripsNow();
      if (!T)
        Missing = true;
      else if (!First)
        First = T;
      else if (*First != *T)
        Differ = true;
    });
    if (Missing || !Differ)
      return R;
    if (!Why) {
      LastWhy = nullptr;
      mentionsVarying(Shape->From, true);
      Why = LastWhy;
    }
    Found.push_back({BS.First, L, Cond, true, true, Why});
    return R;
  }

  Sum stmt(const Stmt *S) {
    if (!S)
      return Sum();
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      return items(stmtsOf(CS), false, false);
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      Sum Pre = plain(If->getCond());
      if (If->getInit())
        Pre = seq(plain(If->getInit()), Pre);
      if (If->getConditionVariableDeclStmt())
        Pre = seq(plain(If->getConditionVariableDeclStmt()), Pre);
      Sum T = stmt(If->getThen()), F = stmt(If->getElse());
      return seq(Pre, sides(If, If->getCond(), T, F, false));
    }
    if (const auto *F = dyn_cast<ForStmt>(S))
      return loop(F, F->getBody(), F->getCond(),
                  {F->getInit(), F->getCond(), F->getInc()});
    if (const auto *W = dyn_cast<WhileStmt>(S))
      return loop(W, W->getBody(), W->getCond(), {W->getCond()});
    if (const auto *D = dyn_cast<DoStmt>(S))
      return loop(D, D->getBody(), D->getCond(), {D->getCond()});
    if (const auto *RF = dyn_cast<CXXForRangeStmt>(S))
      return loop(RF, RF->getBody(), nullptr,
                  {RF->getInit(), RF->getRangeStmt(), RF->getLoopVarStmt()});
    if (isa<SwitchStmt>(S) || isa<CXXTryStmt>(S) || isa<LabelStmt>(S) ||
        isa<AttributedStmt>(S)) {
      Sum X = plain(S);
      return X.Arrives ? unknown(X, X) : X;
    }
    return plain(S);
  }
};

std::string sourceText(const Stmt *S, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = CharSourceRange::getTokenRange(S->getSourceRange());
  std::string T =
      Lexer::getSourceText(SM.getExpansionRange(R), SM, Ctx.getLangOpts())
          .str();
  std::string One;
  for (char C : T) {
    if (C == '\n' || C == '\t' || C == '\r')
      C = ' ';
    if (C == ' ' && !One.empty() && One.back() == ' ')
      continue;
    One += C;
  }
  if (One.size() > 60)
    One = One.substr(0, 57) + "...";
  return One;
}

std::optional<Lin> linOf(const Expr *E, const FunctionDecl *FD,
                         const ASTContext &Ctx) {
  if (!E)
    return std::nullopt;
  if (std::optional<std::int64_t> K = barriers::constantInt(E, Ctx))
    return Lin{nullptr, 0, *K};
  E = E->IgnoreParenImpCasts();
  if (const VarDecl *V = varOf(E)) {
    if (!V->getType()->isIntegerType() || !(V->hasLocalStorage()) ||
        written(FD->getBody(), V))
      return std::nullopt;
    return Lin{V, 1, 0};
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    std::optional<Lin> A = linOf(BO->getLHS(), FD, Ctx),
                       C = linOf(BO->getRHS(), FD, Ctx);
    if (BO->getOpcode() == BO_Add)
      return add(A, C);
    if (BO->getOpcode() == BO_Sub && C && !C->Coef)
      return add(A, Lin{nullptr, 0, -C->C});
    if (BO->getOpcode() == BO_Mul)
      return mul(A, C);
  }
  return std::nullopt;
}

/// A launch loop of the owner: its variable, values and trip count.
std::optional<LaunchLoop> launchLoop(const ForStmt *F, const FunctionDecl *FD,
                                     const ASTContext &Ctx) {
  std::optional<LoopShape> S = loopShape(F, Ctx);
  if (!S)
    return std::nullopt;
  std::optional<std::int64_t> A = barriers::constantInt(S->From, Ctx);
  std::optional<Lin> Z = linOf(S->To, FD, Ctx);
  if (!A || !Z)
    return std::nullopt;
  LaunchLoop L;
  L.Loop = F;
  L.V = S->V;
  std::optional<Lin> T = add(Z, Lin{nullptr, 0, -*A + (S->Inclusive ? 1 : 0)});
  if (!T)
    return std::nullopt;
  L.Trips = *T;
  if (!Z->Coef) {
    if (L.Trips.C < 0 || L.Trips.C > 1000000)
      return std::nullopt;
    for (std::int64_t I = 0; I < L.Trips.C && I < 64; ++I)
      L.Values.push_back(*A + I);
    if (L.Trips.C > 64)
      L.Values.resize(2);
  } else {
    L.Values = {*A, *A + 1}; // at least two threads
  }
  return L;
}

/// How many arrivals a call makes in its phase (0: not an arrival), or -1
/// when the count is not a constant.
std::int64_t arrivalsOf(Kind K, const CallExpr *Call, llvm::StringRef Name,
                        const ASTContext &Ctx) {
  auto Arg = [&]() -> std::int64_t {
    if (Call->getNumArgs() == 0 || isa<CXXDefaultArgExpr>(Call->getArg(0)))
      return 1;
    std::optional<std::int64_t> V = barriers::constantInt(Call->getArg(0), Ctx);
    return V && *V >= 0 ? *V : -1;
  };
  switch (K) {
  case Kind::Barrier:
    if (Name == "arrive_and_wait" || Name == "arrive_and_drop")
      return 1;
    if (Name == "arrive")
      return Arg();
    return 0;
  case Kind::Latch:
    if (Name == "count_down" || Name == "arrive_and_wait")
      return Arg();
    return 0;
  case Kind::Pthread:
    return Name == "pthread_barrier_wait" ? 1 : 0;
  }
  return 0;
}

bool knownName(Kind K, llvm::StringRef N) {
  switch (K) {
  case Kind::Barrier:
    return N == "arrive_and_wait" || N == "arrive_and_drop" || N == "arrive" ||
           N == "wait" || N == "max";
  case Kind::Latch:
    return N == "count_down" || N == "arrive_and_wait" || N == "wait" ||
           N == "try_wait" || N == "max";
  case Kind::Pthread:
    return N == "pthread_barrier_wait" || N == "pthread_barrier_init" ||
           N == "pthread_barrier_destroy";
  }
  return false;
}

} // namespace

void ConditionalArrivalCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(hasLocalStorage(), unless(parmVarDecl()),
                            unless(isExpansionInSystemHeader()))
                        .bind("object"),
                    this);
}

void ConditionalArrivalCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("object");
  if (!VD || VD->getType()->isReferenceType())
    return;
  Kind K;
  llvm::StringRef Rec = stdRecordName(VD->getType()->getAsCXXRecordDecl());
  if (Rec == "barrier")
    K = Kind::Barrier;
  else if (Rec == "latch")
    K = Kind::Latch;
  else if (VD->getType().getUnqualifiedType().getAsString() ==
           "pthread_barrier_t")
    K = Kind::Pthread;
  else
    return;
  ASTContext &Ctx = *Result.Context;
  const auto *FD =
      dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
  if (!FD || !FD->getBody() || FD->isDependentContext() ||
      FD->isTemplateInstantiation())
    return;

  // 1. Every use, each in the owner or in a thread body launched there.
  Chain Stack, DeclChain;
  std::vector<Chain> Refs;
  findRefs(FD->getBody(), VD, Stack, Refs, DeclChain);
  unsigned Root = DeclChain.size();
  while (Root > 0 && !isa<CompoundStmt>(DeclChain[Root - 1]))
    --Root;
  if (Root == 0)
    return;
  --Root;
  const Stmt *Scope = DeclChain[Root];
  std::vector<Body> Bodies;
  std::optional<Lin> Count;
  std::int64_t OwnerArrivals = 0;
  if (K != Kind::Pthread) {
    const auto *Init = dyn_cast_or_null<CXXConstructExpr>(
        VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
    if (!Init || Init->getNumArgs() < 1)
      return;
    Count = linOf(Init->getArg(0), FD, Ctx);
  }
  for (Chain &C : Refs) {
    if (C.size() <= Root || C[Root] != Scope)
      return;
    unsigned I = C.size() - 1;
    while (I > 0 &&
           (isa<ImplicitCastExpr>(C[I - 1]) || isa<ParenExpr>(C[I - 1])))
      --I;
    if (I == 0)
      return;
    const Stmt *P = C[I - 1];
    if (isa<LambdaExpr>(P))
      continue; // a capture; checked with its lambda
    const CallExpr *Call = nullptr;
    llvm::StringRef Name;
    unsigned OpIdx = 0;
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      const auto *MC = I >= 2 ? dyn_cast<CXXMemberCallExpr>(C[I - 2]) : nullptr;
      if (!MC || MC->getCallee()->IgnoreParens() != ME ||
          !MC->getMethodDecl() || !MC->getMethodDecl()->getIdentifier())
        return;
      Call = MC;
      Name = MC->getMethodDecl()->getName();
      OpIdx = I - 2;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
      unsigned J = I - 1;
      while (J > 0 && isa<ImplicitCastExpr>(C[J - 1]))
        --J;
      const auto *CE = J > 0 ? dyn_cast<CallExpr>(C[J - 1]) : nullptr;
      const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
      if (UO->getOpcode() != UO_AddrOf || !Callee || !Callee->getIdentifier() ||
          CE->getNumArgs() == 0 || CE->getArg(0)->IgnoreParenImpCasts() != UO)
        return;
      Call = CE;
      Name = Callee->getName();
      OpIdx = J - 1;
    } else {
      return; // passed on, bound to a reference, copied ...
    }
    if (!knownName(K, Name))
      return;
    std::int64_t Arr = arrivalsOf(K, Call, Name, Ctx);
    // The thread body the use is in, if any: exactly one lambda.
    unsigned LIdx = 0, Lambdas = 0;
    for (unsigned X = Root + 1; X < OpIdx; ++X)
      if (isa<LambdaExpr>(C[X])) {
        LIdx = X;
        ++Lambdas;
      }
    if (Lambdas > 1)
      return;
    if (Lambdas == 0) {
      // The owner: its arrivals must run exactly once (a barrier's owner
      // takes part in phase loops too), its init once.
      bool Plain = true, InLoop = false;
      for (unsigned X = Root + 1; X < OpIdx; ++X) {
        const Stmt *S = C[X];
        if (isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
            isa<CXXForRangeStmt>(S))
          InLoop = true;
        else if (!isa<CompoundStmt>(S) && !isa<DeclStmt>(S) && !isWrapper(S))
          Plain = false;
      }
      if (Name == "pthread_barrier_init") {
        if (!Plain || InLoop || Count || Call->getNumArgs() != 3)
          return;
        Count = linOf(Call->getArg(2), FD, Ctx);
        if (!Count)
          return;
        continue;
      }
      if (Arr == 0)
        continue;
      if (!Plain || Arr < 0 || (InLoop && K == Kind::Latch))
        return;
      OwnerArrivals = K == Kind::Latch ? OwnerArrivals + Arr : 1;
      continue;
    }
    if (Name == "pthread_barrier_init")
      return;
    const auto *L = cast<LambdaExpr>(C[LIdx]);
    if (L->getCallOperator()->isTemplated() || L->isGenericLambda())
      return;
    Body *Bd = nullptr;
    for (Body &X : Bodies)
      if (X.L == L)
        Bd = &X;
    if (!Bd) {
      Body N;
      N.L = L;
      // The launch: a thread constructor or emplace_back taking the lambda.
      unsigned J = LIdx;
      while (J > Root + 1 && isWrapper(C[J - 1]))
        --J;
      const Stmt *Launch = C[J - 1];
      unsigned LaunchIdx = J - 1;
      llvm::ArrayRef<const Expr *> Args;
      if (const auto *CE = dyn_cast<CXXConstructExpr>(Launch)) {
        if (!barriers::isThreadType(CE->getType()) || CE->getNumArgs() < 1 ||
            CE->getArg(0) != C[J])
          return;
        Args = llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
      } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Launch)) {
        if (!MC->getMethodDecl() || !MC->getMethodDecl()->getIdentifier() ||
            (MC->getMethodDecl()->getName() != "emplace_back" &&
             MC->getMethodDecl()->getName() != "emplace_front") ||
            MC->getNumArgs() < 1 || MC->getArg(0) != C[J] ||
            !barriers::isThreadContainer(
                MC->getImplicitObjectArgument()->getType()))
          return;
        Args = llvm::ArrayRef<const Expr *>(MC->getArgs(), MC->getNumArgs());
      } else {
        return;
      }
      N.Launch = cast<Expr>(Launch);
      for (const Expr *A : Args.drop_front())
        N.Args.push_back(A);
      // What encloses the launch: blocks and launch loops only.
      std::optional<Lin> Launches = Lin{nullptr, 0, 1};
      for (unsigned X = Root + 1; X < LaunchIdx; ++X) {
        const Stmt *S = C[X];
        if (const auto *F = dyn_cast<ForStmt>(S)) {
          std::optional<LaunchLoop> LL = launchLoop(F, FD, Ctx);
          if (!LL || C[X + 1] != F->getBody())
            return;
          Launches = mul(Launches, LL->Trips);
          N.Loops.push_back(*LL);
        } else if (!isa<CompoundStmt>(S) && !isa<DeclStmt>(S) &&
                   !isWrapper(S) && !isa<CXXMemberCallExpr>(S)) {
          return;
        }
      }
      N.Launches = Launches;
      // The thread body must share the object, not copy it.
      bool ByRef = false;
      for (const LambdaCapture &Cap : L->captures())
        if (Cap.capturesVariable() && Cap.getCapturedVar() == VD)
          ByRef = Cap.getCaptureKind() == LCK_ByRef;
      if (!ByRef)
        return;
      // No goto in the body, and the launch loops' variables untouched.
      Bodies.push_back(std::move(N));
      Bd = &Bodies.back();
    }
    // Directly in the thread body (no lambda in between was checked above).
    Bd->Arrivals[Call] = Arr;
    if (Name == "arrive_and_drop")
      Bd->Drops.insert(Call);
  }
  if (Bodies.empty() || !Count)
    return;

  // 2 and 3. Summarise each thread body; match the count against "every
  // launched thread takes part".
  std::optional<Lin> Expected = Lin{nullptr, 0, OwnerArrivals};
  std::vector<std::pair<const Body *, Divergence>> Findings;
  for (const Body &Bd : Bodies) {
    BodyAnalyzer A(Bd, Ctx);
    Sum S = A.run();
    if (!Bd.Launches)
      return;
    if (K == Kind::Latch) {
      if (!S.Intended)
        return;
      Expected = add(Expected, mul(Bd.Launches, Lin{nullptr, 0, *S.Intended}));
    } else if (S.Arrives) {
      Expected = add(Expected, Bd.Launches);
    }
    for (const Divergence &D : A.Found)
      Findings.push_back({&Bd, D});
  }
  if (Findings.empty() || !Expected || !(*Expected == *Count))
    return;

  std::string Name = VD->getName().str();
  std::string What = K == Kind::Latch ? "latch" : "barrier";
  for (const auto &[Bd, D] : Findings) {
    std::string Msg;
    if (D.Trip)
      Msg = What + " '" + Name + "' is " +
            (K == Kind::Latch ? "counted down" : "arrived at") +
            " here a number of times that differs between the threads "
            "('" +
            sourceText(D.Cond ? D.Cond : D.Guard, Ctx) + "')";
    else
      Msg = What + " '" + Name + "' is " +
            (K == Kind::Latch ? "counted down" : "arrived at") +
            " here only by the threads for which '" + sourceText(D.Cond, Ctx) +
            "' is " + (D.WhenTrue ? "true" : "false");
    Msg += K == Kind::Latch
               ? ": it never reaches zero and its waiters never wake up"
           : D.Trip ? ": the threads that arrive more often wait forever for "
                      "the others in their last phases"
                    : ": the other threads do not arrive in this phase and "
                      "every thread waits forever";
    Finding F = diag(D.Arrival->getBeginLoc(), Msg);
    note(F, D.Trip ? D.Guard->getBeginLoc() : D.Cond->getBeginLoc(),
         D.Why ? "the condition depends on '" +
                     D.Why->getDecl()->getNameAsString() +
                     "', which differs per thread"
               : "the condition differs per thread");
    note(F, Bd->Launch->getBeginLoc(),
         "the threads are launched here; each one is counted as a participant");
    note(F, VD->getLocation(),
         K == Kind::Latch
             ? "'" + Name + "' counts a count-down from every thread"
             : "'" + Name + "' waits for every thread in each phase");
    emit(std::move(F));
  }
}

} // namespace lockstep
