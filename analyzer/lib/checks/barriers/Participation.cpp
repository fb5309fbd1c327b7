//===- Participation.cpp - Who uses a local latch or barrier, how often ---===//
#include "Participation.h"
#include "lockstep/analyzer/LockModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace lockstep {
namespace barriers {

std::optional<std::int64_t> constantInt(const Expr *E, const ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  Expr::EvalResult R;
  if (!E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt().getExtValue();
}

bool isThreadType(QualType T) {
  if (T.isNull())
    return false;
  llvm::StringRef N = stdRecordName(T.getNonReferenceType()->getAsCXXRecordDecl());
  return N == "thread" || N == "jthread";
}

/// A container of threads (std::vector<std::thread>, std::list<std::jthread>).
bool isThreadContainer(QualType T) {
  const auto *RD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!RD || stdRecordName(RD).empty() || RD->getTemplateArgs().size() == 0)
    return false;
  const TemplateArgument &A = RD->getTemplateArgs()[0];
  return A.getKind() == TemplateArgument::Type && isThreadType(A.getAsType());
}

namespace {


/// Nodes that only carry a value up: a launch looks through them.
bool isWrapper(const Stmt *S) {
  return isa<ImplicitCastExpr>(S) || isa<MaterializeTemporaryExpr>(S) ||
         isa<CXXBindTemporaryExpr>(S) || isa<ParenExpr>(S) ||
         isa<ExprWithCleanups>(S) ||
         (isa<CXXConstructExpr>(S) &&
          cast<CXXConstructExpr>(S)->getType()->isRecordType() &&
          cast<CXXConstructExpr>(S)->getType()->getAsCXXRecordDecl() &&
          cast<CXXConstructExpr>(S)->getType()->getAsCXXRecordDecl()->isLambda());
}

bool before(SourceLocation A, SourceLocation B, const SourceManager &SM) {
  return SM.isBeforeInTranslationUnit(SM.getExpansionLoc(A),
                                      SM.getExpansionLoc(B));
}

bool within(SourceLocation Loc, const Stmt *Outer, const SourceManager &SM) {
  SourceLocation B = SM.getExpansionLoc(Loc);
  return !before(B, Outer->getBeginLoc(), SM) &&
         !before(SM.getExpansionRange(Outer->getEndLoc()).getEnd(), B, SM);
}

bool within(const Stmt *Inner, const Stmt *Outer, const SourceManager &SM) {
  return within(Inner->getBeginLoc(), Outer, SM);
}

/// Whether the loop variable \p IV is changed in \p S (anything but a read,
/// or a by-reference capture whose lambda body is read along with it).
bool changes(const Stmt *S, const VarDecl *IV, const Stmt *Parent) {
  if (!S)
    return false;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
    if (DRE->getDecl() == IV) {
      const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(Parent);
      bool Read = Cast && Cast->getCastKind() == CK_LValueToRValue;
      return !Read && !isa_and_nonnull<LambdaExpr>(Parent);
    }
  for (const Stmt *C : S->children())
    if (changes(C, IV, S))
      return true;
  return false;
}

const VarDecl *varOf(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

/// The trip count of `for (int i = A; i < B; ++i)` (and <=, !=, the
/// decrementing forms) with constant A and B and a body that leaves i alone.
std::optional<std::uint64_t> tripCount(const ForStmt *F, const ASTContext &Ctx) {
  const VarDecl *IV = nullptr;
  std::optional<std::int64_t> A;
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(F->getInit())) {
    if (!DS->isSingleDecl())
      return std::nullopt;
    IV = dyn_cast<VarDecl>(DS->getSingleDecl());
    if (IV)
      A = constantInt(IV->getInit(), Ctx);
  } else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(F->getInit())) {
    if (BO->getOpcode() == BO_Assign) {
      IV = varOf(BO->getLHS());
      A = constantInt(BO->getRHS(), Ctx);
    }
  }
  if (!IV || !A || !IV->getType()->isIntegerType())
    return std::nullopt;
  // The step: +1 or -1.
  int Step = 0;
  const Expr *Inc = F->getInc() ? F->getInc()->IgnoreParenImpCasts() : nullptr;
  if (const auto *U = dyn_cast_or_null<UnaryOperator>(Inc)) {
    if (varOf(U->getSubExpr()) == IV)
      Step = U->isIncrementOp() ? 1 : U->isDecrementOp() ? -1 : 0;
  } else if (const auto *CA = dyn_cast_or_null<CompoundAssignOperator>(Inc)) {
    std::optional<std::int64_t> K = constantInt(CA->getRHS(), Ctx);
    if (varOf(CA->getLHS()) == IV && K && *K == 1)
      Step = CA->getOpcode() == BO_AddAssign   ? 1
             : CA->getOpcode() == BO_SubAssign ? -1
                                               : 0;
  }
  if (!Step)
    return std::nullopt;
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      F->getCond() ? F->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!Cond)
    return std::nullopt;
  BinaryOperatorKind Op = Cond->getOpcode();
  std::optional<std::int64_t> B;
  if (varOf(Cond->getLHS()) == IV) {
    B = constantInt(Cond->getRHS(), Ctx);
  } else if (varOf(Cond->getRHS()) == IV) {
    B = constantInt(Cond->getLHS(), Ctx);
    switch (Op) { // B < i  is  i > B
    case BO_LT: Op = BO_GT; break;
    case BO_GT: Op = BO_LT; break;
    case BO_LE: Op = BO_GE; break;
    case BO_GE: Op = BO_LE; break;
    default: break;
    }
  }
  if (!B || changes(F->getBody(), IV, F))
    return std::nullopt;
  std::int64_t N = -1;
  if (Step > 0 && (Op == BO_LT || (Op == BO_NE && *B >= *A)))
    N = *B > *A ? *B - *A : 0;
  else if (Step > 0 && Op == BO_LE)
    N = *B >= *A ? *B - *A + 1 : 0;
  else if (Step < 0 && (Op == BO_GT || (Op == BO_NE && *B <= *A)))
    N = *A > *B ? *A - *B : 0;
  else if (Step < 0 && Op == BO_GE)
    N = *A >= *B ? *A - *B + 1 : 0;
  if (N < 0 || N > 1000000)
    return std::nullopt;
  return static_cast<std::uint64_t>(N);
}

/// Whether something in \p Body (not in nested lambdas) can keep \p Op from
/// running: a goto anywhere; a return, throw, break or continue between
/// \p From and \p Op; and, unless \p OnlyBefore, one anywhere in a loop of
/// \p Loops (it cuts later iterations short). A break or continue of a loop
/// or switch that does not enclose \p Op only leaves that statement.
bool maySkip(const Stmt *S, SourceLocation From, const Stmt *Op,
             llvm::ArrayRef<const Stmt *> Loops, bool OnlyBefore,
             bool BreaksLocal, const SourceManager &SM) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<GotoStmt>(S) || isa<IndirectGotoStmt>(S))
    return true;
  bool Jump = isa<ReturnStmt>(S) || isa<CXXThrowExpr>(S) ||
              isa<CoreturnStmt>(S) ||
              (!BreaksLocal && (isa<BreakStmt>(S) || isa<ContinueStmt>(S)));
  if (Jump) {
    if (!before(S->getBeginLoc(), From, SM) &&
        before(S->getBeginLoc(), Op->getBeginLoc(), SM))
      return true;
    if (!OnlyBefore)
      for (const Stmt *L : Loops)
        if (within(S, L, SM))
          return true;
  }
  bool Local = BreaksLocal;
  if ((isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
       isa<CXXForRangeStmt>(S) || isa<SwitchStmt>(S)) &&
      !within(Op, S, SM))
    Local = true;
  for (const Stmt *C : S->children())
    if (maySkip(C, From, Op, Loops, OnlyBefore, Local, SM))
      return true;
  return false;
}


/// The thread launch whose body is the lambda at \p Chain[I]: the index of
/// the std::thread / std::jthread construction or the emplace_back call on
/// a container of threads, or 0.
unsigned launchIndex(const Chain &C, unsigned I) {
  unsigned J = I;
  while (J > 0 && isWrapper(C[J - 1]))
    --J;
  if (J == 0)
    return 0;
  const Stmt *P = C[J - 1];
  if (const auto *CE = dyn_cast<CXXConstructExpr>(P))
    if (isThreadType(CE->getType()) && CE->getNumArgs() >= 1 &&
        CE->getArg(0) == C[J])
      return J - 1;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(P))
    if (MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
        (MC->getMethodDecl()->getName() == "emplace_back" ||
         MC->getMethodDecl()->getName() == "emplace_front") &&
        MC->getNumArgs() >= 1 && MC->getArg(0) == C[J] &&
        isThreadContainer(MC->getImplicitObjectArgument()->getType()))
      return J - 1;
  return 0;
}

/// The variable that keeps the thread launched at \p C[LI]: the named
/// thread it initialises, or the container it is put into.
const VarDecl *holderOf(const Chain &C, unsigned LI) {
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C[LI]))
    return varOf(MC->getImplicitObjectArgument());
  unsigned J = LI;
  while (J > 0 && isWrapper(C[J - 1]))
    --J;
  if (J == 0)
    return nullptr;
  if (const auto *DS = dyn_cast<DeclStmt>(C[J - 1]))
    return DS->isSingleDecl() ? dyn_cast<VarDecl>(DS->getSingleDecl()) : nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C[J - 1]))
    if (MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
        (MC->getMethodDecl()->getName() == "push_back" ||
         MC->getMethodDecl()->getName() == "emplace_back") &&
        isThreadContainer(MC->getImplicitObjectArgument()->getType()))
      return varOf(MC->getImplicitObjectArgument());
  return nullptr;
}

/// Whether \p S calls a method named join (outside nested lambdas).
bool joins(const Stmt *S, SourceLocation From, SourceLocation To,
           const SourceManager &SM) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
    if (MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
        MC->getMethodDecl()->getName() == "join" &&
        !before(MC->getBeginLoc(), From, SM) && before(MC->getBeginLoc(), To, SM))
      return true;
  for (const Stmt *C : S->children())
    if (joins(C, From, To, SM))
      return true;
  return false;
}

} // namespace

std::optional<std::vector<Use>> collectUses(const VarDecl *VD, ASTContext &Ctx,
                                            bool LoopsInThreadOk) {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
  if (!FD || !FD->getBody() || !VD->hasLocalStorage() ||
      VD->getType()->isReferenceType() || FD->isDependentContext() ||
      FD->isTemplateInstantiation())
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  Chain Stack, DeclChain;
  std::vector<Chain> Refs;
  findRefs(FD->getBody(), VD, Stack, Refs, DeclChain);
  // The scope the object lives in: the block that declares it.
  unsigned Root = DeclChain.size();
  while (Root > 0 && !isa<CompoundStmt>(DeclChain[Root - 1]))
    --Root;
  if (Root == 0)
    return std::nullopt;
  --Root;
  const Stmt *Scope = DeclChain[Root];
  std::vector<Use> Uses;
  for (Chain &C : Refs) {
    if (C.size() <= Root || C[Root] != Scope)
      return std::nullopt;
    unsigned I = C.size() - 1; // the DeclRefExpr
    while (I > 0 && (isa<ImplicitCastExpr>(C[I - 1]) || isa<ParenExpr>(C[I - 1])))
      --I;
    if (I == 0)
      return std::nullopt;
    const Stmt *P = C[I - 1];
    if (isa<LambdaExpr>(P))
      continue; // a capture: its uses in the lambda body are collected too
    Use U;
    unsigned OpIdx = 0;
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      const auto *MC = I >= 2 ? dyn_cast<CXXMemberCallExpr>(C[I - 2]) : nullptr;
      if (!MC || MC->getCallee()->IgnoreParens() != ME || !MC->getMethodDecl() ||
          !MC->getMethodDecl()->getIdentifier())
        return std::nullopt;
      U.Call = MC;
      U.Name = MC->getMethodDecl()->getName();
      OpIdx = I - 2;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
      unsigned J = I - 1;
      while (J > 0 && isa<ImplicitCastExpr>(C[J - 1]))
        --J;
      const auto *Call = J > 0 ? dyn_cast<CallExpr>(C[J - 1]) : nullptr;
      const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
      if (UO->getOpcode() != UO_AddrOf || !Callee || !Callee->getIdentifier() ||
          !Callee->getName().startswith("pthread_barrier_") ||
          Call->getNumArgs() == 0 || Call->getArg(0)->IgnoreParenImpCasts() != UO)
        return std::nullopt;
      U.Call = Call;
      U.Name = Callee->getName();
      OpIdx = J - 1;
    } else {
      return std::nullopt; // passed, bound to a reference, copied ...
    }
    // Walk out from the use to the object's scope, frame by frame.
    bool Own = true;               // still in the use's own thread body
    std::uint64_t Times = 1;       // runs of the current frame's operand
    std::optional<std::uint64_t> PerThread = 1;
    llvm::SmallVector<const Stmt *, 4> Loops;
    const Stmt *FrameOp = U.Call;
    for (unsigned K = OpIdx; K-- > Root;) {
      const Stmt *Par = C[K], *Ch = C[K + 1];
      if (const auto *If = dyn_cast<IfStmt>(Par)) {
        if (Ch == If->getThen() || Ch == If->getElse()) {
          std::optional<std::int64_t> V = constantInt(If->getCond(), Ctx);
          if (!V || (Ch == If->getThen()) != (*V != 0))
            return std::nullopt;
        }
      } else if (isa<SwitchStmt>(Par) || isa<CXXCatchStmt>(Par)) {
        if (isa<CXXCatchStmt>(Par) || Ch == cast<SwitchStmt>(Par)->getBody())
          return std::nullopt;
      } else if (const auto *CO = dyn_cast<AbstractConditionalOperator>(Par)) {
        if (Ch != CO->getCond())
          return std::nullopt;
      } else if (const auto *BO = dyn_cast<BinaryOperator>(Par)) {
        if (BO->isLogicalOp() && Ch == BO->getRHS())
          return std::nullopt;
      } else if (isa<ForStmt>(Par) || isa<WhileStmt>(Par) || isa<DoStmt>(Par) ||
                 isa<CXXForRangeStmt>(Par)) {
        const Stmt *Body = isa<ForStmt>(Par)     ? cast<ForStmt>(Par)->getBody()
                           : isa<WhileStmt>(Par) ? cast<WhileStmt>(Par)->getBody()
                           : isa<DoStmt>(Par)    ? cast<DoStmt>(Par)->getBody()
                               : cast<CXXForRangeStmt>(Par)->getBody();
        bool InitPart = (isa<ForStmt>(Par) && Ch == cast<ForStmt>(Par)->getInit()) ||
                        (isa<CXXForRangeStmt>(Par) && Ch != Body);
        if (InitPart)
          continue;
        if (Ch != Body)
          return std::nullopt; // a condition or increment: runs an unknown number of times
        std::optional<std::uint64_t> N;
        if (const auto *F = dyn_cast<ForStmt>(Par))
          N = tripCount(F, Ctx);
        Loops.push_back(Par);
        if (Own) {
          U.InLoop = true;
          if (N && PerThread)
            *PerThread *= *N;
          else if (LoopsInThreadOk)
            PerThread.reset();
          else
            return std::nullopt;
        } else if (N) {
          Times *= *N;
        } else {
          return std::nullopt;
        }
      } else if (const auto *L = dyn_cast<LambdaExpr>(Par)) {
        // Leaving a thread body: nothing in it may skip the use, and it must
        // be launched as a thread.
        if (maySkip(Ch, Ch->getBeginLoc(), FrameOp, Loops,
                    Own && LoopsInThreadOk, false, SM))
          return std::nullopt;
        unsigned LI = launchIndex(C, K);
        if (LI == 0 || LI <= Root)
          return std::nullopt;
        if (Own) {
          U.Thread = L;
          U.Launch = cast<Expr>(C[LI]);
          U.PerThread = PerThread;
          U.LaunchPlain = true;
          U.Holder = holderOf(C, LI);
          Own = false;
        } else {
          U.NestedLaunch = true;
        }
        FrameOp = C[LI];
        Loops.clear();
        K = LI; // continue above the launch
        continue;
      } else if (!Own && isa<CompoundStmt>(Par) && Par != Scope) {
        const Stmt *Up = C[K - 1];
        bool LoopBody = (isa<ForStmt>(Up) && cast<ForStmt>(Up)->getBody() == Par);
        if (!LoopBody)
          U.LaunchPlain = false;
      } else if (!Own && !isa<CompoundStmt>(Par) && !isa<DeclStmt>(Par) &&
                 !isWrapper(Par) && !isa<CallExpr>(Par)) {
        U.LaunchPlain = false;
      }
    }
    if (maySkip(Scope, VD->getBeginLoc(), FrameOp, Loops,
                Own && LoopsInThreadOk, false, SM))
      return std::nullopt;
    if (Own)
      U.PerThread = PerThread;
    else
      U.LaunchLoops.assign(Loops.begin(), Loops.end());
    U.Launches = Own ? 1 : Times;
    Uses.push_back(U);
  }
  return Uses;
}

bool launchesConcurrent(const std::vector<Use> &Uses, const VarDecl *VD,
                        ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const Stmt *Body = cast<FunctionDecl>(VD->getParentFunctionOrMethod())->getBody();
  const Expr *First = nullptr, *Last = nullptr;
  for (const Use &U : Uses) {
    if (!U.Thread)
      continue;
    if (U.NestedLaunch || !U.LaunchPlain || !U.Holder)
      return false;
    for (const Stmt *L : U.LaunchLoops) {
      // Each iteration must add a thread to the same, still running set.
      if (within(U.Holder->getLocation(), L, SM) ||
          joins(L, L->getBeginLoc(), SM.getExpansionRange(L->getEndLoc()).getEnd(), SM))
        return false;
    }
    if (!First || before(U.Launch->getBeginLoc(), First->getBeginLoc(), SM))
      First = U.Launch;
    if (!Last || before(Last->getBeginLoc(), U.Launch->getBeginLoc(), SM))
      Last = U.Launch;
  }
  return !First || !joins(Body, First->getBeginLoc(), Last->getBeginLoc(), SM);
}

void findRefs(const Stmt *S, const VarDecl *VD, Chain &Stack,
              std::vector<Chain> &Refs, Chain &DeclChain) {
  if (!S)
    return;
  Stack.push_back(S);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
    if (DRE->getDecl() == VD)
      Refs.push_back(Stack);
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (D == VD)
        DeclChain = Stack;
  }
  for (const Stmt *C : S->children())
    findRefs(C, VD, Stack, Refs, DeclChain);
  Stack.pop_back();
}

} // namespace barriers
} // namespace lockstep
