//===- LockDataflow.cpp - The lock-set analysis of one function -----------===//
//
// One FunctionAnalyzer per function: iterate the transfer functions over the
// CFG in reverse post-order to a fixpoint without reporting, then run one
// final pass that reports and fills the function's summary, then look at the
// exit. Callees are analysed first (TUAnalysis::analyzeCalleesFirst walks the
// call graph with an explicit stack), so their summaries are complete when a
// call is reached; a recursive cycle is cut by giving the function being
// analysed an empty summary.
//
//===----------------------------------------------------------------------===//
#include "lockstep/analyzer/LockDataflow.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "lockstep/analyzer/FlowEngine.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <functional>
#include <iterator>
#include <set>

using namespace clang;

namespace lockstep {

LockHandler::~LockHandler() = default;

HeldLock::~HeldLock() {
  // Unlink the nodes only this one keeps alive, iteratively: thousands of
  // nested locks would otherwise recurse thousands of destructors deep.
  std::shared_ptr<const HeldLock> N = std::move(Next);
  while (N && N.use_count() == 1) {
    std::shared_ptr<const HeldLock> After = std::move(N->Next);
    N = std::move(After);
  }
}

namespace {

using OpKind = Operation::Kind;

/// Looks through the wrappers that do not change which object or value an
/// expression denotes.
const Expr *strip(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *W = dyn_cast<ExprWithCleanups>(E)) {
      E = W->getSubExpr();
      continue;
    }
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = M->getSubExpr();
      continue;
    }
    if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = B->getSubExpr();
      continue;
    }
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E)) {
      if (F->getCastKind() == CK_ConstructorConversion ||
          F->getCastKind() == CK_NoOp) {
        E = F->getSubExpr();
        continue;
      }
    }
    break;
  }
  return E;
}

std::string exprKey(const Expr *E, const ASTContext &Ctx) {
  E = strip(E);
  std::string S;
  llvm::raw_string_ostream OS(S);
  E->printPretty(OS, nullptr, PrintingPolicy(Ctx.getLangOpts()));
  return OS.str();
}

std::string guardKey(const void *Id) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << "guard#" << Id;
  return OS.str();
}

SuccessTest negate(SuccessTest T) { return SuccessTest{!T.Equal, T.Value}; }

bool isPthreadLock(QualType T) {
  std::string S = T.getNonReferenceType().getUnqualifiedType().getAsString();
  return S == "pthread_mutex_t";
}

/// Collects what the transfer functions need to know about the body before
/// walking the CFG: which constructor initialises which guard variable,
/// which temporaries are moved into guards, which calls sit in try blocks.
class PrePass : public RecursiveASTVisitor<PrePass> {
public:
  llvm::DenseMap<const Stmt *, const VarDecl *> CtorVar;
  /// Which call initialises which local: a returned guard
  /// (`auto lk = LockTable();`) or a node a try-lock returns
  /// (`Node *n = LockNode(k);`).
  llvm::DenseMap<const Stmt *, const VarDecl *> CallVar;
  llvm::DenseSet<const Stmt *> MovedTemps;
  llvm::DenseSet<const Stmt *> InTry;
  /// Variables the body assigns or takes the address of: a function-local
  /// static among them is created here (`lock_create(&L)`), a function
  /// pointer among them may point anywhere.
  llvm::DenseSet<const VarDecl *> Changed;

  bool VisitUnaryOperator(UnaryOperator *U) {
    if (U->getOpcode() == UO_AddrOf)
      noteChanged(U->getSubExpr());
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *B) {
    if (B->isAssignmentOp())
      noteChanged(B->getLHS());
    if (B->getOpcode() == BO_Assign)
      if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(B->getLHS())))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          if (VD->getType()->isPointerType())
            flowRoots(B->getRHS(), FlowsInto[VD]);
    return true;
  }
  /// Whether the value of the local pointer \p VD may come back to the
  /// caller: it is returned, passed to a call whose result is returned
  /// (`return child->find(k);`), or stored in a local that is
  /// (`root = child; ... return root;`). A node locked through it may then
  /// be the caller's to unlock (hand-over-hand descent, a rebalance that
  /// returns the new root locked).
  bool handsBack(const VarDecl *VD) const {
    llvm::SmallVector<const VarDecl *, 8> Todo(ReturnRoots.begin(),
                                               ReturnRoots.end());
    llvm::DenseSet<const VarDecl *> Seen(ReturnRoots.begin(),
                                         ReturnRoots.end());
    while (!Todo.empty()) {
      const VarDecl *X = Todo.pop_back_val();
      if (X == VD)
        return true;
      auto It = FlowsInto.find(X);
      if (It != FlowsInto.end())
        for (const VarDecl *Y : It->second)
          if (Seen.insert(Y).second)
            Todo.push_back(Y);
    }
    return false;
  }
  /// Variables returned (`return inst;`): a static handed to the caller is
  /// the caller's to unlock.
  llvm::DenseSet<const VarDecl *> Returned;
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasLocalStorage() && VD->getInit()) {
      if (VD->getType()->isPointerType())
        flowRoots(VD->getInit(), FlowsInto[VD]);
      const Expr *I = strip(VD->getInit());
      if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(I))
        CtorVar[CE] = VD;
      else if (isa_and_nonnull<CallExpr>(I))
        CallVar[I] = VD; // a returned guard, or a node a try-lock returns
    }
    return true;
  }
  /// `return inst;` (see Returned); `return std::unique_lock<std::mutex>(mu_);`
  /// hands the guard to the caller: it does not die at the end of the
  /// statement.
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const auto *CE =
            dyn_cast_or_null<CXXConstructExpr>(strip(RS->getRetValue())))
      if (LockModel::isGuardType(CE->getType()))
        MovedTemps.insert(CE);
    const Expr *V = RS->getRetValue();
    while (V) {
      V = V->IgnoreParenCasts();
      const auto *U = dyn_cast<UnaryOperator>(V);
      if (!U || (U->getOpcode() != UO_AddrOf && U->getOpcode() != UO_Deref))
        break;
      V = U->getSubExpr();
    }
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(V))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        Returned.insert(VD);
    if (RS->getRetValue())
      flowRoots(RS->getRetValue(), ReturnRoots);
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *E) {
    if (E->getOperator() == OO_Equal && E->getNumArgs() == 2 &&
        LockModel::isGuardType(E->getArg(0)->getType()))
      if (const auto *CE =
              dyn_cast_or_null<CXXConstructExpr>(strip(E->getArg(1))))
        MovedTemps.insert(CE);
    return true;
  }
  /// The suspensions of the body (suspensionsOf).
  SuspensionMap ResumeOf;
  bool VisitCXXTryStmt(CXXTryStmt *T) {
    mark(T->getTryBlock());
    return true;
  }
  /// Locals that are only ever read keep their initial value:
  /// `bool flag = false; if (flag) ...` never takes the branch.
  llvm::DenseMap<const VarDecl *, unsigned> Reads, Mentions;
  bool VisitImplicitCastExpr(ImplicitCastExpr *ICE) {
    if (ICE->getCastKind() == CK_LValueToRValue)
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(ICE->getSubExpr()->IgnoreParens()))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          ++Reads[VD];
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      ++Mentions[VD];
    return true;
  }
  /// The value of a local whose every mention reads it, if its initialiser
  /// is a constant.
  std::optional<bool> constantLocal(const VarDecl *VD,
                                    const ASTContext &Ctx) const {
    if (!VD || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD) ||
        VD->getType().isVolatileQualified() ||
        !VD->getType()->isIntegralOrEnumerationType() || !VD->getInit() ||
        VD->getInit()->isValueDependent() ||
        Mentions.lookup(VD) != Reads.lookup(VD))
      return std::nullopt;
    Expr::EvalResult R;
    if (!VD->getInit()->EvaluateAsInt(R, Ctx))
      return std::nullopt;
    return R.Val.getInt().getBoolValue();
  }
  // Lambda bodies are their own functions; a capture by reference may write
  // the local.
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
          ++Mentions[VD];
    return true;
  }

private:
  /// Pointer locals whose value may be what \p E evaluates to: the
  /// variable itself, either arm of `?:`, or the object or an argument of a
  /// call (which may hand it back). Not `n->next` or `n->value`: those are
  /// other objects.
  static void flowRoots(const Expr *E,
                        llvm::SmallVectorImpl<const VarDecl *> &Out) {
    E = E ? E->IgnoreParenCasts() : nullptr;
    if (!E)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (VD && VD->hasLocalStorage() && VD->getType()->isPointerType())
        Out.push_back(VD);
    } else if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      flowRoots(CO->getTrueExpr(), Out);
      flowRoots(CO->getFalseExpr(), Out);
    } else if (const auto *Call = dyn_cast<CallExpr>(E)) {
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
        flowRoots(MC->getImplicitObjectArgument(), Out);
      for (const Expr *A : Call->arguments())
        flowRoots(A, Out);
    }
  }
  llvm::SmallVector<const VarDecl *, 4> ReturnRoots;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<const VarDecl *, 2>>
      FlowsInto;

  void noteChanged(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        Changed.insert(VD);
  }
  void mark(const Stmt *S) {
    if (!S)
      return;
    InTry.insert(S);
    for (const Stmt *C : S->children())
      mark(C);
  }
};

struct AcquireOpts {
  bool IsTry = false;
  std::optional<BranchCond> TryCond;
  llvm::ArrayRef<std::string> NoOrder;
  SourceLocation InnerLoc;
  std::string Callee;
  bool NoTake = false;
};

struct ReleaseOpts {
  SourceLocation InnerLoc;
  std::string Callee;
  std::string GuardName;
  bool FromGuard = false;
  bool AtScopeEnd = false;
};

/// A release of a lock not acquired before it in the function: fine for an
/// Unlock() wrapper, wrong if the function also acquires that lock itself.
struct EntryRelease {
  std::string Key;
  LockPath Path;
  SourceLocation Loc, InnerLoc;
  std::string Callee;
};

struct ThrowExit {
  std::string Key;
  LockPath Path;
  SourceLocation AcquiredAt, CallLoc;
  std::string Callee;
  bool Visible = false; ///< see NotReleasedEvent::ThrowVisible
};

/// Holds a pass's findings until the pass is known to be the last one.
class BufferingHandler : public LockHandler {
public:
  void handleDoubleLock(const DoubleLockEvent &E) override {
    Events.push_back([E](LockHandler &H) { H.handleDoubleLock(E); });
  }
  void handleUnlockNotHeld(const UnlockNotHeldEvent &E) override {
    Events.push_back([E](LockHandler &H) { H.handleUnlockNotHeld(E); });
  }
  void handleNotReleased(const NotReleasedEvent &E) override {
    Events.push_back([E](LockHandler &H) { H.handleNotReleased(E); });
  }
  void handleBlockingUnderLock(const BlockingEvent &E) override {
    Events.push_back([E](LockHandler &H) { H.handleBlockingUnderLock(E); });
  }
  void handleSuspendUnderLock(const SuspendEvent &E) override {
    Events.push_back([E](LockHandler &H) { H.handleSuspendUnderLock(E); });
  }
  void replay(LockHandler &H) {
    for (auto &E : Events)
      E(H);
  }

private:
  std::vector<std::function<void(LockHandler &)>> Events;
};

/// A lock reached through a pointer or reference member may be any mutex,
/// including one the caller holds under another name.
bool mayAlias(const LockPath &P) {
  for (const LockPath::Step &St : P.Steps)
    if (St.Member && (St.Member->getType()->isPointerType() ||
                      St.Member->getType()->isReferenceType()))
      return true;
  return false;
}

const FunctionSummary &emptySummary() {
  static const FunctionSummary Empty;
  return Empty;
}

class FunctionAnalyzer {
public:
  FunctionAnalyzer(TUAnalysis &TU, const FunctionDecl *FD,
                   FunctionSummary &Sum)
      : TU(TU), Ctx(TU.context()), SM(Ctx.getSourceManager()),
        Model(TU.model()), H(&TU.handler()), FD(FD), Sum(Sum) {}

  void run();

private:
  TUAnalysis &TU;
  ASTContext &Ctx;
  const SourceManager &SM;
  const LockModel &Model;
  LockHandler *H;
  const FunctionDecl *FD;
  FunctionSummary &Sum;
  bool Final = false;
  bool CanThrowOut = false;
  /// Returns seen in the final pass, and whether one of them returned a
  /// guard that does not own exactly Sum.ReturnedGuard.
  unsigned GuardReturns = 0;
  bool GuardReturnsDiffer = false;
  PrePass Pre;
  std::vector<ThrowExit> ThrowExits;
  std::vector<EntryRelease> EntryReleaseSites;
  /// Locks held by the caller on entry (second pass).
  llvm::StringSet<> EntryKeys;
  std::vector<LockPath> EntryPaths;
  std::set<std::pair<int, unsigned>> Reported;
  /// Locks acquired again while held: the double lock is the finding, not
  /// the lock left over after one unlock.
  llvm::StringSet<> Relocked;
  /// Locks passed by pointer or reference to a function whose body is not
  /// in the translation unit: it may lock or unlock them for this one.
  llvm::StringSet<> HandedToOpaque;
  void noteHanded(const Expr *E);
  /// The value of a branch condition that reads only unchanged locals.
  std::optional<bool> knownCondition(const Expr *C) const;

  bool once(int Kind, SourceLocation L) {
    return Reported.insert({Kind, L.getRawEncoding()}).second;
  }

  // --- transfer -----------------------------------------------------------
  void transferBlock(const CFGBlock &B, LockSet S,
                     std::vector<std::optional<LockSet>> &Out);
  void processStmt(const Stmt *St, LockSet &S);
  void processCall(const Expr *E, LockSet &S);
  void applySummary(const Expr *E, const FunctionDecl *Callee, LockSet &S);
  void maybeThrows(const Expr *E, const FunctionDecl *Callee, LockSet &S);
  void throwExits(const Expr *E, std::string Name, bool Visible,
                  const LockSet &S);
  void processReturn(const ReturnStmt *RS, LockSet &S);
  void resultTells(LockSet &S, llvm::StringRef Key, const Expr *Call,
                   SuccessTest Success);
  void assumeConstant(llvm::StringRef VarName, const Expr *Init, LockSet &S);
  void rekeyTry(llvm::StringRef VarName, const Expr *Init, LockSet &S);
  void refine(LockSet &S, const Expr *Cond, bool TrueEdge);
  void guardDtor(const void *Id, SourceLocation Loc, LockSet &S);
  void runPasses(const CFG &Cfg, const LockSet &EntrySet);
  void addEntryFact(LockSet &Entry, const LockPath &P, bool Shared,
                    SourceLocation Loc);
  void noteGuardParam(const Expr *Guard, FunctionSummary::GuardEffect E);
  void applyGuardEffect(const Expr *Arg, FunctionSummary::GuardEffect E,
                        SourceLocation Loc, LockSet &S);

  void acquire(LockSet &S, const LockPath &P, bool Shared, SourceLocation Loc,
               const void *Guard, const AcquireOpts &O);
  void release(LockSet &S, const LockPath &P, SourceLocation Loc,
               const ReleaseOpts &O);
  /// Up to this many locks held at once, an acquisition records an order
  /// edge from each of them (every inversion between two of them is then a
  /// pair of direct edges, reported as such). Above it, edges are chained
  /// (recordOrder): one per acquisition, so memory and time stay linear in
  /// the number of locks held.
  static constexpr unsigned DirectEdgeLimit = 16;
  /// The nodes of the last held list built in the reporting pass, bottom
  /// first: the next list reuses the longest common prefix.
  std::vector<HeldList> HeldCache;
  HeldList heldList(const LockSet &S);
  /// Records the order edges of acquiring (or, via a call, taking) \p To
  /// in state \p S; \p StaysHeld: To is held after this point.
  void recordOrder(const LockSet &S, const LockPath &To, SourceLocation ToLoc,
                   SourceLocation InnerLoc, llvm::StringRef Callee,
                   llvm::ArrayRef<std::string> NoOrder, bool StaysHeld);
  void addEdge(const LockPath &From, SourceLocation FromLoc,
               const LockPath &To, SourceLocation ToLoc,
               SourceLocation InnerLoc, llvm::StringRef Callee,
               const HeldList &Held);
  void reportBlocking(const LockSet &S, llvm::ArrayRef<std::string> Except,
                      BlockingEvent Ev);
  void reportSuspension(const CoroutineSuspendExpr *E, const LockSet &S);

  // --- helpers ------------------------------------------------------------
  bool isRecursive(const LockPath &P) const;
  bool ownsLock(const LockPath &P) const;
  bool wrapperByDesign() const;
  void noteUnproven(llvm::ArrayRef<EntryRelease> Sites);
  const FunctionDecl *knownTarget(const Expr *E) const;
  bool handRolledGuard(const CXXConstructExpr *CE,
                       const FunctionDecl *CtorDef, LockSet &S);
  const void *guardId(const Expr *E) const;
  /// The locks \p Op operates on, in this function's terms; locks of a
  /// type that only pretends to lock are left out (and set *NoOp).
  llvm::SmallVector<LockPath, 2> lockPaths(const Operation &Op,
                                           const Expr *Call,
                                           bool *NoOp = nullptr) const;
  void callSite(const Expr *E, std::optional<LockPath> &Obj,
                llvm::SmallVectorImpl<std::optional<LockPath>> &Args) const;
  std::string calleeName(const FunctionDecl *F) const {
    return F ? F->getQualifiedNameAsString() : std::string("<call>");
  }
  SourceLocation locOf(const Stmt *S) const {
    SourceLocation L = S->getBeginLoc();
    return L.isValid() ? L : S->getEndLoc();
  }
  struct HeldLocksDomain;
  void finishExit(const CFG &Cfg, const FlowEngine<HeldLocksDomain> &Engine);
  /// The flow engine gave up on this function: its findings are dropped.
  bool Silenced = false;
};

/// The held-locks fact domain on the flow engine: the state is a LockSet
/// (its join rules are documented on each of its members in LockSet.h) and a
/// block's effect is FunctionAnalyzer::transferBlock, which reports only in
/// the engine's reporting pass (FunctionAnalyzer::Final). Lock sets cannot
/// grow forever (re-acquisition counts are capped, facts are keyed by the
/// function's own expressions), so widening is the join.
struct FunctionAnalyzer::HeldLocksDomain {
  using State = LockSet;
  FunctionAnalyzer &FA;
  State join(const State &A, const State &B) { return LockSet::join(A, B); }
  void transfer(const CFGBlock &B, const State &In, FlowPhase,
                std::vector<std::optional<State>> &Out) {
    FA.transferBlock(B, In, Out);
  }
};

bool FunctionAnalyzer::isRecursive(const LockPath &P) const {
  const ValueDecl *D = P.lastDecl();
  if (!D)
    return false;
  QualType T = D->getType().getNonReferenceType();
  while (const ArrayType *AT = Ctx.getAsArrayType(T))
    T = AT->getElementType();
  if (LockModel::isRecursiveLockType(T))
    return true;
  return TU.PthreadMayBeRecursive && isPthreadLock(T);
}

/// A lock this function made itself: a local mutex, or a lock reached from a
/// function-local static the function creates (`static lock_t L;
/// lock_create(&L);`). No caller can hold it or release it, so locking or
/// unlocking it is never a wrapper's effect.
bool FunctionAnalyzer::ownsLock(const LockPath &P) const {
  if (P.Kind == LockPath::RootKind::Local)
    return P.Steps.empty() && P.Root && LockModel::isLockType(P.Root->getType());
  const auto *VD = dyn_cast_or_null<VarDecl>(P.Root);
  if (P.Kind != LockPath::RootKind::Global || !VD || !VD->isStaticLocal())
    return false;
  const auto *Owner =
      dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
  if (!Owner || Owner->getCanonicalDecl() != FD->getCanonicalDecl())
    return false;
  return !Pre.Returned.count(VD) &&
         (LockModel::isLockType(VD->getType()) || Pre.Changed.count(VD));
}

/// Whether something besides its body says \p FD is meant to leave a lock
/// held for its caller, or to release the caller's: RAII (constructors and
/// destructors pair up through the object), thread-safety annotations, the
/// config, or a name with a lock-like verb. Without such evidence, only
/// callers in the translation unit can show a function is a wrapper.
bool FunctionAnalyzer::wrapperByDesign() const {
  if (isa<CXXConstructorDecl>(FD) || isa<CXXDestructorDecl>(FD) ||
      Model.isConfigWrapper(FD))
    return true;
  if (FD->hasAttr<AcquireCapabilityAttr>() ||
      FD->hasAttr<ReleaseCapabilityAttr>() ||
      FD->hasAttr<TryAcquireCapabilityAttr>() ||
      FD->hasAttr<ExclusiveTrylockFunctionAttr>() ||
      FD->hasAttr<SharedTrylockFunctionAttr>() ||
      FD->hasAttr<RequiresCapabilityAttr>() ||
      FD->hasAttr<AssertCapabilityAttr>())
    return true;
  std::string Name = FD->getIdentifier() ? FD->getName().lower() : "";
  // Generous on purpose: a miss here only keeps today's trust in the body.
  static const char *const Verbs[] = {
      "lock",  "acquire", "release", "enter", "leave", "exit",  "hold",
      "grab",  "take",    "drop",    "claim", "begin", "end",   "start",
      "stop",  "finish",  "done",    "open",  "close", "pin",   "mutex",
      "critical", "sync", "guard",   "own",   "wait",  "signal"};
  for (const char *V : Verbs)
    if (Name.find(V) != std::string::npos)
      return true;
  return false;
}

/// Hands the translation unit the lock effects of a function that nothing
/// but its body calls a wrapper: they are reported at the end of the
/// translation unit unless a caller or a counterpart vouches for them.
void FunctionAnalyzer::noteUnproven(llvm::ArrayRef<EntryRelease> Sites) {
  if (wrapperByDesign())
    return;
  SourceLocation EndLoc = FD->getBody()->getEndLoc();
  for (const LockEffect &A : Sum.Acquires) {
    if (A.Path.Imprecise || Relocked.count(A.Path.key()) ||
        HandedToOpaque.count(A.Path.key()))
      continue;
    NotReleasedEvent Ev;
    Ev.Lock = A.Path.name();
    Ev.AcquiredAt = A.Loc;
    Ev.ExitLoc = EndLoc;
    TU.noteUnproven(FD, A.Path, Ev);
  }
  for (const LockEffect &R : Sum.Releases)
    for (const EntryRelease &Site : Sites)
      if (Site.Key == R.Path.key() && !R.Path.Imprecise &&
          !HandedToOpaque.count(Site.Key)) {
        UnlockNotHeldEvent Ev;
        Ev.Lock = R.Path.name();
        Ev.Loc = Site.Loc;
        Ev.InnerLoc = Site.InnerLoc;
        Ev.Callee = Site.Callee;
        TU.noteUnproven(FD, R.Path, Ev);
        break;
      }
}

void FunctionAnalyzer::noteHanded(const Expr *E) {
  llvm::ArrayRef<const Expr *> Args;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    Args = llvm::makeArrayRef(CE->getArgs(), CE->getNumArgs());
  else
    Args = llvm::makeArrayRef(cast<CallExpr>(E)->getArgs(),
                              cast<CallExpr>(E)->getNumArgs());
  for (const Expr *A : Args) {
    // `helper(&mu)` or `helper(mu_ptr)`, or an lvalue lock binding a
    // reference parameter: the callee can reach the lock to change it.
    QualType T = A->getType();
    bool Reaches = T->isPointerType() && !T->getPointeeType().isConstQualified();
    if (!Reaches && A->isLValue() && T->isRecordType())
      Reaches = !T.isConstQualified();
    if (Reaches)
      if (auto P = LockPath::fromExpr(A, FD))
        HandedToOpaque.insert(P->key());
  }
}

std::optional<bool> FunctionAnalyzer::knownCondition(const Expr *C) const {
  bool Neg = false;
  C = C->IgnoreParenImpCasts();
  while (const auto *U = dyn_cast<UnaryOperator>(C)) {
    if (U->getOpcode() != UO_LNot)
      return std::nullopt;
    Neg = !Neg;
    C = U->getSubExpr()->IgnoreParenImpCasts();
  }
  const auto *DRE = dyn_cast<DeclRefExpr>(C);
  std::optional<bool> V =
      DRE ? Pre.constantLocal(dyn_cast<VarDecl>(DRE->getDecl()), Ctx)
          : std::nullopt;
  if (V)
    *V = *V != Neg;
  return V;
}

/// The function an indirect call reaches when the pointer it calls through
/// can hold only one: a local initialised from a function and never assigned
/// or escaping, or a const global (`int (*lockfn)(pthread_mutex_t *) =
/// pthread_mutex_lock; lockfn(&m);`). Null for direct calls and unknowns.
const FunctionDecl *FunctionAnalyzer::knownTarget(const Expr *E) const {
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call || Call->getDirectCallee() || isa<CXXMemberCallExpr>(Call))
    return nullptr;
  const Expr *C = Call->getCallee()->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(C))
    if (U->getOpcode() == UO_Deref)
      C = U->getSubExpr()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(C);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || isa<ParmVarDecl>(VD))
    return nullptr;
  if (VD->isLocalVarDecl()) {
    if (Pre.Changed.count(VD))
      return nullptr;
  } else if (!VD->getType().isConstQualified() &&
             !TU.isUnchangedFunctionPointer(VD)) {
    return nullptr;
  }
  const Expr *Init = VD->getAnyInitializer();
  while (Init) {
    Init = Init->IgnoreParenCasts();
    const auto *U = dyn_cast<UnaryOperator>(Init);
    if (!U || U->getOpcode() != UO_AddrOf)
      break;
    Init = U->getSubExpr();
  }
  const auto *FRef = dyn_cast_or_null<DeclRefExpr>(Init);
  return FRef ? dyn_cast<FunctionDecl>(FRef->getDecl()) : nullptr;
}

/// An unannotated RAII class whose constructor locks the mutex it is given
/// (through a reference or pointer member initialised from a parameter) and
/// whose destructor unlocks it: the variable it initialises is a guard over
/// the caller's mutex, so a second lock of that mutex under it is seen.
bool FunctionAnalyzer::handRolledGuard(const CXXConstructExpr *CE,
                                       const FunctionDecl *CtorDef,
                                       LockSet &S) {
  const VarDecl *VD = Pre.CtorVar.lookup(CE);
  const auto *Ctor = dyn_cast_or_null<CXXConstructorDecl>(CtorDef);
  if (!VD || !Ctor)
    return false;
  // Only a pure scope guard: a method that unlocks early (`h.unlock()`)
  // would release the member under a name the caller's facts do not use.
  for (const CXXMethodDecl *M : Ctor->getParent()->methods())
    if (!M->isImplicit() && !isa<CXXConstructorDecl>(M) &&
        !isa<CXXDestructorDecl>(M) && !M->isCopyAssignmentOperator() &&
        !M->isMoveAssignmentOperator())
      return false;
  const CXXDestructorDecl *Dtor = Ctor->getParent()->getDestructor();
  const FunctionDecl *DtorDef = nullptr;
  if (!Dtor || !Dtor->hasBody(DtorDef) || !TU.isAnalyzable(DtorDef))
    return false;
  const FunctionSummary &CS = TU.analyze(Ctor);
  const FunctionSummary &DS = TU.analyze(DtorDef);
  if (CS.Acquires.empty() || !CS.TryAcquires.empty())
    return false;
  std::optional<LockPath> Obj;
  llvm::SmallVector<std::optional<LockPath>, 4> Args;
  callSite(CE, Obj, Args);
  GuardFact G;
  G.Id = VD;
  G.Name = VD->getIdentifier() ? VD->getName().str() : "guard";
  G.Shared = CS.Acquires.front().Shared;
  for (const LockEffect &A : CS.Acquires) {
    // this->m_ with m_ a reference or pointer member ...
    if (A.Path.Kind != LockPath::RootKind::This || A.Path.Steps.size() != 1)
      return false;
    const auto *M = dyn_cast_or_null<FieldDecl>(A.Path.Steps[0].Member);
    if (!M || !(M->getType()->isReferenceType() ||
                M->getType()->isPointerType()))
      return false;
    // ... initialised from a parameter ...
    std::optional<LockPath> From;
    for (const CXXCtorInitializer *I : Ctor->inits())
      if (I->getMember() == M && I->getInit())
        From = LockPath::fromExpr(I->getInit(), Ctor);
    if (!From || From->Kind != LockPath::RootKind::Param || !From->Steps.empty())
      return false;
    // ... and unlocked by the destructor.
    bool Released = false;
    for (const LockEffect &R : DS.Releases)
      if (R.Path.key() == A.Path.key())
        Released = true;
    if (!Released)
      return false;
    auto P = From->substitute(Obj, Args);
    if (!P)
      return false;
    G.Locks.push_back(std::move(*P));
  }
  std::vector<std::string> Ks;
  for (const LockPath &P : G.Locks)
    Ks.push_back(P.key());
  AcquireOpts O;
  if (Ks.size() > 1)
    O.NoOrder = Ks;
  O.Callee = calleeName(Ctor);
  O.InnerLoc = CS.Acquires.front().Loc;
  for (const LockPath &P : G.Locks)
    acquire(S, P, G.Shared, locOf(CE), VD, O);
  G.Owning = GuardFact::Owns::Yes;
  S.Guards.erase(std::remove_if(S.Guards.begin(), S.Guards.end(),
                                [&](const GuardFact &X) { return X.Id == VD; }),
                 S.Guards.end());
  S.Guards.push_back(std::move(G));
  return true;
}

const void *FunctionAnalyzer::guardId(const Expr *E) const {
  E = strip(E);
  // std::move(lk) names lk.
  while (const auto *Call = dyn_cast_or_null<CallExpr>(E)) {
    const FunctionDecl *F = Call->getDirectCallee();
    if (!F || !F->isInStdNamespace() || !F->getIdentifier() ||
        (F->getName() != "move" && F->getName() != "forward") ||
        Call->getNumArgs() != 1)
      break;
    E = strip(Call->getArg(0));
  }
  if (!E)
    return nullptr;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) &&
          !VD->getType()->isReferenceType())
        return VD;
  if (isa<CXXConstructExpr>(E))
    return E;
  if (isa<CallExpr>(E) && LockModel::isGuardType(E->getType())) {
    if (const VarDecl *VD = Pre.CallVar.lookup(E))
      return VD;
    return E; // a guard returned by a call, until moved somewhere
  }
  return nullptr;
}

void FunctionAnalyzer::callSite(
    const Expr *E, std::optional<LockPath> &Obj,
    llvm::SmallVectorImpl<std::optional<LockPath>> &Args) const {
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    if (const VarDecl *VD = Pre.CtorVar.lookup(CE)) {
      // The object under construction is the variable it initialises.
      Obj.emplace();
      Obj->Kind = LockPath::RootKind::Local;
      Obj->Root = VD;
    }
    for (const Expr *A : CE->arguments())
      Args.push_back(LockPath::fromExpr(A, FD));
    return;
  }
  const auto *Call = cast<CallExpr>(E);
  unsigned First = 0;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    Obj = LockPath::fromExpr(MC->getImplicitObjectArgument(), FD);
  } else if (isa<CXXOperatorCallExpr>(Call) &&
             isa_and_nonnull<CXXMethodDecl>(Call->getDirectCallee()) &&
             Call->getNumArgs() > 0) {
    Obj = LockPath::fromExpr(Call->getArg(0), FD);
    First = 1;
  }
  for (unsigned I = First; I < Call->getNumArgs(); ++I)
    Args.push_back(LockPath::fromExpr(Call->getArg(I), FD));
}

/// A user type whose locking methods (lock/unlock, Lock/Unlock, the ones
/// annotated acquire or release) are all defined here with empty bodies:
/// a null mutex for single-threaded builds, which locks nothing.
static bool isNoOpLock(QualType T, const SourceManager &SM) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  RD = RD->getDefinition();
  if (SM.isInSystemHeader(SM.getExpansionLoc(RD->getLocation())))
    return false;
  bool Any = false;
  for (const CXXMethodDecl *M : RD->methods()) {
    bool Locking = M->hasAttr<AcquireCapabilityAttr>() ||
                   M->hasAttr<ReleaseCapabilityAttr>();
    if (M->getIdentifier())
      Locking |= M->getName() == "lock" || M->getName() == "unlock" ||
                 M->getName() == "Lock" || M->getName() == "Unlock";
    if (!Locking)
      continue;
    const FunctionDecl *Def = nullptr;
    const auto *Body =
        M->hasBody(Def) ? dyn_cast_or_null<CompoundStmt>(Def->getBody())
                        : nullptr;
    if (!Body || llvm::any_of(Body->body(),
                              [](const Stmt *S) { return !isa<NullStmt>(S); }))
      return false;
    Any = true;
  }
  return Any;
}

llvm::SmallVector<LockPath, 2>
FunctionAnalyzer::lockPaths(const Operation &Op, const Expr *Call,
                            bool *NoOp) const {
  llvm::SmallVector<LockPath, 2> R;
  auto Skip = [&](const Expr *L) {
    bool Yes = L && isNoOpLock(L->getType(), SM);
    if (Yes && NoOp)
      *NoOp = true;
    return Yes;
  };
  for (const Expr *L : Op.Locks)
    if (!Skip(L))
      if (auto P = LockPath::fromExpr(L, FD))
        R.push_back(std::move(*P));
  if (Op.ThisIsLock || !Op.CalleeLocks.empty()) {
    std::optional<LockPath> Obj;
    llvm::SmallVector<std::optional<LockPath>, 4> Args;
    callSite(Call, Obj, Args);
    if (Op.ThisIsLock && Op.Object && !Skip(Op.Object)) {
      if (auto P = LockPath::fromExpr(Op.Object, FD))
        R.push_back(std::move(*P));
    }
    for (const Expr *L : Op.CalleeLocks)
      if (!Skip(L))
        if (auto P = LockPath::fromExpr(L, Op.Callee))
          if (auto Q = P->substitute(Obj, Args))
            R.push_back(std::move(*Q));
  }
  return R;
}

// --- lock operations ----------------------------------------------------

/// The locks certainly held in \p S, as a list sharing its nodes with the
/// previous one as far as the two agree from the bottom (in the common
/// nested case all but the newest lock).
HeldList FunctionAnalyzer::heldList(const LockSet &S) {
  size_t I = 0;
  for (const LockFact &F : S.Facts) {
    if (F.Maybe)
      continue;
    if (I < HeldCache.size() && HeldCache[I]->AcquiredAt == F.AcquiredAt &&
        HeldCache[I]->Path == F.Path) {
      ++I;
      continue;
    }
    HeldCache.resize(I);
    auto N = std::make_shared<HeldLock>();
    N->Path = F.Path;
    N->AcquiredAt = F.AcquiredAt;
    N->Key = F.Key;
    N->Ordered = !F.Path.orderKey().empty();
    if (I) {
      N->Next = HeldCache[I - 1];
      N->Depth = HeldCache[I - 1]->Depth + 1;
    }
    HeldCache.push_back(std::move(N));
    ++I;
  }
  HeldCache.resize(I);
  return I ? HeldCache.back() : nullptr;
}

/// Direct edges from every held lock while few are held (the exact graph);
/// above DirectEdgeLimit, lockdep-style chaining: walking down from the most
/// recently acquired held lock, an edge from each ordered lock until one is
/// known to be reached by all the locks below it. Reachability in the graph,
/// and so its cycles, stay those of the direct edges: every lock skipped
/// reaches To through recorded edges of this function, and every edge
/// recorded is one the direct rule records too (no path through a lock
/// released in between is made up).
void FunctionAnalyzer::recordOrder(const LockSet &S, const LockPath &To,
                                   SourceLocation ToLoc,
                                   SourceLocation InnerLoc,
                                   llvm::StringRef Callee,
                                   llvm::ArrayRef<std::string> NoOrder,
                                   bool StaysHeld) {
  HeldList Held = heldList(S);
  auto Unordered = [&](llvm::StringRef Key) {
    return std::find(NoOrder.begin(), NoOrder.end(), Key) != NoOrder.end();
  };
  bool AllReach = true;
  size_t First = Sum.Edges.size();
  if (!Held || Held->Depth <= DirectEdgeLimit) {
    for (const LockFact &F : S.Facts) {
      if (F.Maybe)
        continue;
      if (Unordered(F.Key))
        AllReach = false;
      else
        addEdge(F.Path, F.AcquiredAt, To, ToLoc, InnerLoc, Callee, Held);
    }
  } else {
    for (const HeldLock *N = Held.get(); N; N = N->Next.get()) {
      if (!N->Ordered)
        continue; // its edges are dropped; the locks below still count
      if (Unordered(N->Key)) {
        AllReach = false;
        continue;
      }
      addEdge(N->Path, N->AcquiredAt, To, ToLoc, InnerLoc, Callee, Held);
      Sum.Edges.back().Chained = true;
      if (N->ReachedFromBelow)
        break;
    }
  }
  if (!AllReach)
    for (OrderEdge &E : llvm::make_range(Sum.Edges.begin() + First,
                                         Sum.Edges.end()))
      E.WithUnordered = true;
  if (!StaysHeld)
    return;
  auto N = std::make_shared<HeldLock>();
  N->Path = To;
  N->AcquiredAt = ToLoc;
  N->Key = To.key();
  N->Ordered = !To.orderKey().empty();
  N->ReachedFromBelow = AllReach;
  N->Next = Held;
  N->Depth = Held ? Held->Depth + 1 : 1;
  HeldCache.push_back(std::move(N));
}

void FunctionAnalyzer::addEdge(const LockPath &From, SourceLocation FromLoc,
                               const LockPath &To, SourceLocation ToLoc,
                               SourceLocation InnerLoc, llvm::StringRef Callee,
                               const HeldList &Held) {
  OrderEdge E;
  E.From = From;
  E.To = To;
  E.FromLoc = FromLoc;
  E.ToLoc = ToLoc;
  E.InnerLoc = InnerLoc;
  E.Callee = Callee.str();
  E.Function = FD;
  E.GateGroups.push_back(Held);
  Sum.Edges.push_back(std::move(E));
}

void FunctionAnalyzer::acquire(LockSet &S, const LockPath &P, bool Shared,
                               SourceLocation Loc, const void *Guard,
                               const AcquireOpts &O) {
  std::string K = P.key();
  if (LockFact *F = S.find(K)) {
    // Count the re-acquisition (capped, so loops still settle): the
    // releases that follow balance it instead of looking like double
    // unlocks.
    if (!O.IsTry)
      F->Count = std::min(F->Count + 1, 3u);
    if (isRecursive(P))
      return;
    if (!O.IsTry && !(F->Shared && Shared))
      Relocked.insert(K);
    if (!O.IsTry && !(F->Shared && Shared) && !P.Imprecise && Final &&
        once(1, Loc)) {
      DoubleLockEvent Ev;
      Ev.Lock = P.name();
      Ev.Loc = Loc;
      Ev.FirstLoc = F->AcquiredAt;
      Ev.InnerLoc = O.InnerLoc;
      Ev.Callee = O.Callee;
      Ev.Maybe = F->Maybe;
      H->handleDoubleLock(Ev);
    }
    if (!O.IsTry && F->Maybe && !F->Cond) {
      // Held on every path from here on (it was re-acquired where it was
      // not held).
      F->Maybe = false;
    }
    if (Guard && !F->Guard)
      F->Guard = Guard;
    return;
  }
  if (Final && !O.IsTry)
    recordOrder(S, P, Loc, O.InnerLoc, O.Callee, O.NoOrder, true);
  if (Final && !O.NoTake && !S.isEntryReleased(K))
    Sum.Takes.push_back(
        {P, Shared, O.InnerLoc.isValid() ? O.InnerLoc : Loc, {}});
  LockFact F;
  F.Key = K;
  F.Path = P;
  F.AcquiredAt = Loc;
  F.Shared = Shared;
  F.Guard = Guard;
  if (O.IsTry) {
    F.Maybe = true;
    F.Cond = O.TryCond;
    F.FromTry = true;
  }
  S.Facts.push_back(std::move(F));
  S.Released.erase(std::remove_if(S.Released.begin(), S.Released.end(),
                                  [&](const ReleasedFact &R) {
                                    return R.Key == K;
                                  }),
                   S.Released.end());
}

void FunctionAnalyzer::release(LockSet &S, const LockPath &P,
                               SourceLocation Loc, const ReleaseOpts &O) {
  std::string K = P.key();
  if (LockFact *F = S.find(K)) {
    if (F->Count > 1) {
      --F->Count;
      return;
    }
    if (F->Maybe && Final && !P.Imprecise && once(2, Loc)) {
      // Held on some paths only: on the others this releases a mutex that
      // is not held (a double unlock, an ignored try_lock result).
      UnlockNotHeldEvent Ev;
      Ev.Lock = P.name();
      Ev.Loc = Loc;
      Ev.MaybeHeldAt = F->AcquiredAt;
      Ev.InnerLoc = O.InnerLoc;
      Ev.Callee = O.Callee;
      Ev.GuardName = O.GuardName;
      for (const ReleasedFact &R : S.Released)
        if (R.Key == K)
          Ev.ReleasedAt = R.At;
      H->handleUnlockNotHeld(Ev);
    }
    if (F->FromCaller && !S.isEntryReleased(K))
      S.EntryReleased.push_back(K);
    S.erase(K);
    S.Released.erase(std::remove_if(S.Released.begin(), S.Released.end(),
                                    [&](const ReleasedFact &R) {
                                      return R.Key == K;
                                    }),
                     S.Released.end());
    S.Released.push_back({K, Loc});
    return;
  }
  auto Report = [&](SourceLocation Earlier) {
    if (!Final || P.Imprecise || !once(2, Loc))
      return;
    UnlockNotHeldEvent Ev;
    Ev.Lock = P.name();
    Ev.Loc = Loc;
    Ev.ReleasedAt = Earlier;
    Ev.InnerLoc = O.InnerLoc;
    Ev.Callee = O.Callee;
    Ev.GuardName = O.GuardName;
    Ev.AtScopeEnd = O.AtScopeEnd;
    H->handleUnlockNotHeld(Ev);
  };
  for (const ReleasedFact &R : S.Released)
    if (R.Key == K) {
      Report(R.At);
      return;
    }
  if (O.FromGuard)
    return;
  // A lock the function made itself cannot be held by the caller.
  if (ownsLock(P)) {
    Report(SourceLocation());
    return;
  }
  if (!S.isEntryReleased(K)) {
    S.EntryReleased.push_back(K);
    if (Final) {
      Sum.Releases.push_back(
          {P, false, O.InnerLoc.isValid() ? O.InnerLoc : Loc, {}});
      EntryReleaseSites.push_back({K, P, Loc, O.InnerLoc, O.Callee});
    }
  }
}

void FunctionAnalyzer::reportBlocking(const LockSet &S,
                                      llvm::ArrayRef<std::string> Except,
                                      BlockingEvent Ev) {
  if (!Final)
    return;
  const LockFact *Held = nullptr;
  for (const LockFact &F : S.Facts)
    if (!F.Maybe &&
        std::find(Except.begin(), Except.end(), F.Key) == Except.end())
      Held = &F;
  if (!Held || !once(4, Ev.Loc))
    return;
  Ev.Lock = Held->Path.name();
  Ev.HeldAt = Held->AcquiredAt;
  H->handleBlockingUnderLock(Ev);
}

void FunctionAnalyzer::reportSuspension(const CoroutineSuspendExpr *E,
                                        const LockSet &S) {
  if (!Final)
    return;
  SuspendEvent Ev;
  Ev.Loc = E->getKeywordLoc();
  Ev.Yield = isa<CoyieldExpr>(E);
  for (const LockFact &F : S.Facts) {
    // Held on every path here and taken by this body: a lock held on some
    // paths only is left alone, as lock-blocking-under-lock does, and the
    // caller's locks (FromCaller) are not the body's to release.
    if (F.Maybe || F.FromCaller)
      continue;
    SuspendEvent::Held Held{F.Path.name(), F.AcquiredAt, "", F.Shared};
    if (const GuardFact *G = F.Guard ? S.guard(F.Guard) : nullptr)
      Held.GuardName = G->Name;
    Ev.Locks.push_back(std::move(Held));
  }
  if (Ev.Locks.empty() || !maySuspend(E, Ctx))
    return;
  // An awaiter whose await_suspend() releases a lock it reaches through a
  // pointer or reference member (the mutex it was built with, unlocked
  // while the coroutine is suspended) may release the one held here; which
  // one is not known, so nothing is claimed.
  const FunctionDecl *Def = nullptr;
  if (const CXXMethodDecl *MD = awaitSuspendMethod(E))
    if (MD->hasBody(Def) && TU.isAnalyzable(Def))
      for (const LockEffect &R : TU.analyze(Def).Releases)
        if (mayAlias(R.Path))
          return;
  if (!once(5, Ev.Loc))
    return;
  H->handleSuspendUnderLock(Ev);
}

void FunctionAnalyzer::guardDtor(const void *Id, SourceLocation Loc,
                                 LockSet &S) {
  GuardFact *G = S.guard(Id);
  if (!G)
    return;
  GuardFact Copy = *G;
  S.Guards.erase(S.Guards.begin() + (G - S.Guards.data()));
  if (Copy.Owning == GuardFact::Owns::Yes) {
    ReleaseOpts O;
    O.FromGuard = true;
    O.AtScopeEnd = true;
    O.GuardName = Copy.Name;
    for (const LockPath &P : Copy.Locks)
      release(S, P, Loc, O);
  } else if (Copy.Owning == GuardFact::Owns::Maybe) {
    S.dropGuardFacts(Id);
  }
}

void FunctionAnalyzer::noteGuardParam(const Expr *Guard,
                                      FunctionSummary::GuardEffect E) {
  if (!Final || !Guard)
    return;
  const auto *DRE = dyn_cast<DeclRefExpr>(strip(Guard));
  const auto *PVD = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  if (!PVD || !PVD->getType()->isReferenceType())
    return;
  unsigned Idx = PVD->getFunctionScopeIndex();
  for (auto &P : Sum.GuardParams)
    if (P.first == Idx) {
      P.second = E; // the last operation decides what the caller sees
      return;
    }
  Sum.GuardParams.push_back({Idx, E});
}

void FunctionAnalyzer::applyGuardEffect(const Expr *Arg,
                                        FunctionSummary::GuardEffect E,
                                        SourceLocation Loc, LockSet &S) {
  const void *Id = guardId(Arg);
  GuardFact *G = Id ? S.guard(Id) : nullptr;
  if (!G)
    return;
  using GE = FunctionSummary::GuardEffect;
  if (E == GE::Unlocks) {
    GuardFact::Owns Was = G->Owning;
    auto Locks = G->Locks;
    G->Owning = GuardFact::Owns::No;
    if (Was == GuardFact::Owns::Yes) {
      ReleaseOpts O;
      O.FromGuard = true;
      for (const LockPath &P : Locks)
        release(S, P, Loc, O);
    } else {
      S.dropGuardFacts(Id);
    }
  } else if (E == GE::Locks) {
    if (G->Owning == GuardFact::Owns::Yes)
      return;
    auto Locks = G->Locks;
    bool Shared = G->Shared;
    G->Owning = GuardFact::Owns::Yes;
    for (const LockPath &P : Locks)
      acquire(S, P, Shared, Loc, Id, AcquireOpts());
  } else {
    G->Locks.clear();
    G->Owning = GuardFact::Owns::No;
    S.detachGuardFacts(Id);
  }
}

/// The operand and the test a branch condition puts on it.
struct Normalized {
  const Expr *Operand = nullptr;
  SuccessTest WhenTrue{false, 0};
};

Normalized normalize(const Expr *C, const ASTContext &Ctx);

// --- statements ---------------------------------------------------------

void FunctionAnalyzer::rekeyTry(llvm::StringRef VarName, const Expr *Init,
                                LockSet &S) {
  const Expr *I = strip(Init);
  if (!I)
    return;
  if (!isa<CallExpr>(I)) {
    // `bool ok = pthread_mutex_trylock(&mu_) == 0;`: the flag is true
    // exactly when the result passes the comparison.
    Normalized N = normalize(I, Ctx);
    if (!N.Operand || N.Operand == I || !isa<CallExpr>(N.Operand))
      return;
    std::string K = exprKey(N.Operand, Ctx);
    auto Same = [](SuccessTest A, SuccessTest B) {
      return A.Equal == B.Equal && A.Value == B.Value;
    };
    for (LockFact &F : S.Facts) {
      if (!F.Cond || F.Cond->Key != K)
        continue;
      if (Same(F.Cond->Test, N.WhenTrue))
        F.Cond = BranchCond{VarName.str(), SuccessTest{false, 0}};
      else if (Same(F.Cond->Test, negate(N.WhenTrue)))
        F.Cond = BranchCond{VarName.str(), SuccessTest{true, 0}};
    }
    return;
  }
  std::string K = exprKey(I, Ctx);
  // `bool Got = lk.owns_lock();` names the guard's ownership.
  Operation Op = Model.classify(I, Ctx);
  if (Op.K == OpKind::GuardOwns)
    if (const void *Id = guardId(Op.Guard))
      K = guardKey(Id);
  for (LockFact &F : S.Facts)
    if (F.Cond && F.Cond->Key == K)
      F.Cond->Key = VarName.str();
}

/// `bool locked = true;`: the variable's value is known until it changes,
/// so a branch on it later is decided on this path.
void FunctionAnalyzer::assumeConstant(llvm::StringRef VarName,
                                      const Expr *Init, LockSet &S) {
  const Expr *I = strip(Init);
  Expr::EvalResult R;
  if (!I || I->isValueDependent() ||
      !I->getType()->isIntegralOrEnumerationType() ||
      !I->EvaluateAsInt(R, Ctx))
    return;
  int64_t V = R.Val.getInt().getExtValue();
  // Branches test a bool as "non-zero"; say it the same way.
  SuccessTest T = I->getType()->isBooleanType()
                      ? SuccessTest{V == 0, 0}
                      : SuccessTest{true, V};
  S.Assumed.push_back(BranchCond{VarName.str(), T});
}

void FunctionAnalyzer::processStmt(const Stmt *St, LockSet &S) {
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (VD->getInit() && VD->getIdentifier()) {
          S.invalidate(VD->getName());
          rekeyTry(VD->getName(), VD->getInit(), S);
          assumeConstant(VD->getName(), VD->getInit(), S);
        }
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
    if (BO->isAssignmentOp())
      if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(BO->getLHS())))
        if (DRE->getDecl()->getIdentifier()) {
          S.invalidate(DRE->getDecl()->getName());
          if (BO->getOpcode() == BO_Assign) {
            rekeyTry(DRE->getDecl()->getName(), BO->getRHS(), S);
            assumeConstant(DRE->getDecl()->getName(), BO->getRHS(), S);
          }
        }
    // `ptr = n;`: what a branch on `ptr` proved no longer holds.
    if (const auto *ME = dyn_cast<MemberExpr>(strip(BO->getLHS())))
      if (ME->getMemberDecl()->getIdentifier())
        S.invalidate(ME->getMemberDecl()->getName());
    return;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->isIncrementDecrementOp())
      if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(UO->getSubExpr())))
        if (DRE->getDecl()->getIdentifier())
          S.invalidate(DRE->getDecl()->getName());
    return;
  }
  if (const auto *RS = dyn_cast<ReturnStmt>(St)) {
    processReturn(RS, S);
    return;
  }
  if (isa<CXXThrowExpr>(St)) {
    if (Final && !Pre.InTry.count(St))
      Sum.MayThrow = Sum.Throws = true;
    return;
  }
  if (isa<CallExpr>(St) || isa<CXXConstructExpr>(St))
    processCall(cast<Expr>(St), S);
  if (const auto *E = dyn_cast<Expr>(St))
    if (std::string T = knownThrower(E); !T.empty() && Final &&
                                         !Pre.InTry.count(E) && CanThrowOut)
      throwExits(E, T, /*Visible=*/true, S);
}

/// The lock \p Key was just taken by \p Call, whose result says whether
/// it was: a branch on the result that shows failure drops it.
void FunctionAnalyzer::resultTells(LockSet &S, llvm::StringRef Key,
                                   const Expr *Call, SuccessTest Success) {
  LockFact *F = S.find(Key);
  if (F && !F->Maybe && isa<CallExpr>(Call) &&
      cast<CallExpr>(Call)->getCallReturnType(Ctx)->isIntegralOrEnumerationType())
    F->Cond = BranchCond{exprKey(Call, Ctx), Success};
}

/// The Cond key of a lock fact whose lock call's result the function
/// returns (see LockEffect::ByResult).
static const char *const ReturnedResult = "<returned>";

void FunctionAnalyzer::processReturn(const ReturnStmt *RS, LockSet &S) {
  const Expr *V = RS->getRetValue();
  if (!V)
    return;
  QualType RT = FD->getReturnType();
  if (Final && LockModel::isMovableGuardType(RT)) {
    const void *Id = guardId(V);
    const GuardFact *G = Id ? S.guard(Id) : nullptr;
    std::vector<LockEffect> Owned;
    if (G && G->Owning == GuardFact::Owns::Yes)
      for (const LockPath &P : G->Locks)
        if (const LockFact *F = S.find(P.key()); F && !F->Maybe)
          Owned.push_back({P, G->Shared, F->AcquiredAt, {}});
    auto Keys = [](const std::vector<LockEffect> &V) {
      std::vector<std::string> K;
      for (const LockEffect &E : V)
        K.push_back(E.Path.key());
      return K;
    };
    if (GuardReturns++ == 0)
      Sum.ReturnedGuard = std::move(Owned);
    else if (Keys(Owned) != Keys(Sum.ReturnedGuard))
      GuardReturnsDiffer = true;
    return;
  }
  if (!RT->isBooleanType() && !RT->isIntegerType())
    return;
  std::string K = exprKey(V, Ctx);
  // `return mu_.try_lock();` makes this function a try-lock wrapper: the
  // caller decides by the result, so the lock leaves with the value.
  for (size_t I = 0; I < S.Facts.size();) {
    LockFact &F = S.Facts[I];
    if (F.Maybe && F.Cond && F.Cond->Key == K && !F.Guard &&
        F.Path.Kind != LockPath::RootKind::Local && !ownsLock(F.Path)) {
      if (Final)
        Sum.TryAcquires.push_back({F.Path, F.Shared, F.AcquiredAt,
                                   F.Cond->Test});
      S.Facts.erase(S.Facts.begin() + I);
      continue;
    }
    ++I;
  }
  // `return pthread_mutex_lock(&mu_);` (or `... == 0`): the caller learns
  // from the result whether the lock was taken.
  Normalized N = normalize(V, Ctx);
  std::string OperandKey = N.Operand ? exprKey(N.Operand, Ctx) : "";
  for (LockFact &F : S.Facts) {
    if (F.Maybe || !F.Cond || F.Guard)
      continue;
    if (F.Cond->Key == K) {
      F.Cond->Key = ReturnedResult;
    } else if (F.Cond->Key == OperandKey && RT->isBooleanType()) {
      // Returns true exactly when the result passes N.WhenTrue.
      auto Same = [](SuccessTest A, SuccessTest B) {
        return A.Equal == B.Equal && A.Value == B.Value;
      };
      if (Same(N.WhenTrue, F.Cond->Test))
        F.Cond = BranchCond{ReturnedResult, SuccessTest{false, 0}};
      else if (Same(negate(N.WhenTrue), F.Cond->Test))
        F.Cond = BranchCond{ReturnedResult, SuccessTest{true, 0}};
    }
  }
}

void FunctionAnalyzer::processCall(const Expr *E, LockSet &S) {
  const FunctionDecl *Target = knownTarget(E);
  Operation Op = Model.classify(E, Ctx, Target);
  SourceLocation Loc = locOf(E);
  auto Keys = [](llvm::ArrayRef<LockPath> Ps) {
    std::vector<std::string> R;
    for (const LockPath &P : Ps)
      R.push_back(P.key());
    return R;
  };
  switch (Op.K) {
  case OpKind::None: {
    const FunctionDecl *Callee = nullptr;
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      Callee = CE->getConstructor();
    else if (!(Callee = cast<CallExpr>(E)->getDirectCallee()))
      Callee = Target;
    const FunctionDecl *Def = nullptr;
    if (Callee && Callee->hasBody(Def) && TU.isAnalyzable(Def)) {
      const auto *CE = dyn_cast<CXXConstructExpr>(E);
      if (!CE || !handRolledGuard(CE, Def, S))
        applySummary(E, Def, S);
      // `PthreadCall("trylock", pthread_mutex_trylock(&mu_))` hands back
      // the lock call's result: tests of this call decide the lock.
      int P = CE ? -1 : TU.passThroughParam(Def);
      const auto *Call = dyn_cast<CallExpr>(E);
      unsigned Skip = Call && isa<CXXOperatorCallExpr>(Call) &&
                              isa<CXXMethodDecl>(Def) ? 1 : 0;
      if (P >= 0 && Call && P + Skip < Call->getNumArgs()) {
        std::string From = exprKey(strip(Call->getArg(P + Skip)), Ctx);
        std::string To = exprKey(E, Ctx);
        for (LockFact &F : S.Facts)
          if (F.Cond && F.Cond->Key == From)
            F.Cond->Key = To;
      }
    } else {
      noteHanded(E);
    }
    if (isa<CallExpr>(E) ||
        (Callee && !cast<CXXConstructorDecl>(Callee)->isTrivial()))
      maybeThrows(E, Def ? Def : Callee, S);
    return;
  }
  case OpKind::Acquire:
  case OpKind::MultiAcquire: {
    auto Ps = lockPaths(Op, E);
    auto Ks = Keys(Ps);
    AcquireOpts O;
    if (Ps.size() > 1)
      O.NoOrder = Ks;
    for (const LockPath &P : Ps) {
      bool Had = S.find(P.key());
      acquire(S, P, Op.Shared, Loc, nullptr, O);
      if (Op.ResultTells && !Had)
        resultTells(S, P.key(), E, Op.Success);
    }
    return;
  }
  case OpKind::TryAcquire:
  case OpKind::MultiTry: {
    auto Ps = lockPaths(Op, E);
    auto Ks = Keys(Ps);
    AcquireOpts O;
    O.IsTry = true;
    O.TryCond = BranchCond{exprKey(E, Ctx), Op.Success};
    O.NoOrder = Ks;
    for (const LockPath &P : Ps)
      acquire(S, P, Op.Shared, Loc, nullptr, O);
    return;
  }
  case OpKind::Release: {
    for (const LockPath &P : lockPaths(Op, E))
      release(S, P, Loc, ReleaseOpts());
    return;
  }
  case OpKind::GuardCtor: {
    const auto *CE = cast<CXXConstructExpr>(E);
    const VarDecl *VD = Pre.CtorVar.lookup(CE);
    const void *Id = VD ? static_cast<const void *>(VD) : CE;
    GuardFact G;
    G.Id = Id;
    G.Name = VD && VD->getIdentifier() ? VD->getName().str() : "temporary";
    G.Shared = Op.Shared;
    bool NoOp = false;
    G.Locks = lockPaths(Op, E, &NoOp);
    if (NoOp && G.Locks.empty())
      return; // a guard over a null mutex guards nothing
    auto Ks = Keys(G.Locks);
    AcquireOpts O;
    if (G.Locks.size() > 1)
      O.NoOrder = Ks;
    switch (Op.Mode) {
    case GuardMode::Lock:
      for (const LockPath &P : G.Locks)
        acquire(S, P, Op.Shared, Loc, Id, O);
      G.Owning = G.Locks.empty() ? GuardFact::Owns::No : GuardFact::Owns::Yes;
      break;
    case GuardMode::Try:
      O.IsTry = true;
      O.TryCond = BranchCond{guardKey(Id), SuccessTest{false, 0}};
      for (const LockPath &P : G.Locks)
        acquire(S, P, Op.Shared, Loc, Id, O);
      G.Owning = GuardFact::Owns::Maybe;
      break;
    case GuardMode::Defer:
      G.Owning = GuardFact::Owns::No;
      break;
    case GuardMode::Adopt:
      O.NoTake = true;
      for (const LockPath &P : G.Locks) {
        if (LockFact *F = S.find(P.key())) {
          F->Guard = Id;
        } else {
          // Adopting a mutex this function did not lock: the caller did.
          acquire(S, P, Op.Shared, Loc, Id, O);
          if (LockFact *NF = S.find(P.key()))
            NF->FromCaller = true;
        }
      }
      G.Owning = GuardFact::Owns::Yes;
      break;
    }
    S.Guards.erase(std::remove_if(S.Guards.begin(), S.Guards.end(),
                                  [&](const GuardFact &X) {
                                    return X.Id == Id;
                                  }),
                   S.Guards.end());
    S.Guards.push_back(std::move(G));
    // A temporary guard that is not moved anywhere dies at the end of its
    // full expression: it locks and unlocks at once.
    if (!VD && !Pre.MovedTemps.count(CE))
      guardDtor(Id, Loc, S);
    return;
  }
  case OpKind::GuardMoveCtor:
  case OpKind::GuardMoveAssign: {
    const void *To = nullptr;
    std::string Name = "temporary";
    if (Op.K == OpKind::GuardMoveCtor) {
      const auto *CE = cast<CXXConstructExpr>(E);
      const VarDecl *VD = Pre.CtorVar.lookup(CE);
      To = VD ? static_cast<const void *>(VD) : CE;
      if (VD && VD->getIdentifier())
        Name = VD->getName().str();
    } else {
      To = guardId(Op.Guard);
      if (!To)
        return;
      if (GuardFact *T = S.guard(To)) {
        Name = T->Name;
        // Assigning over an owning guard unlocks what it held.
        guardDtor(To, Loc, S);
      }
    }
    const void *From = guardId(Op.MovedFrom);
    GuardFact NewG;
    NewG.Id = To;
    NewG.Name = Name;
    if (GuardFact *G = From ? S.guard(From) : nullptr) {
      NewG.Locks = G->Locks;
      NewG.Owning = G->Owning;
      NewG.Shared = G->Shared;
      G->Locks.clear();
      G->Owning = GuardFact::Owns::No;
      for (LockFact &F : S.Facts)
        if (F.Guard == From)
          F.Guard = To;
      std::string FromKey = guardKey(From), ToKey = guardKey(To);
      for (LockFact &F : S.Facts)
        if (F.Cond && F.Cond->Key == FromKey)
          F.Cond->Key = ToKey;
    } else if (Op.K == OpKind::GuardMoveCtor) {
      return; // moved from something we do not track
    }
    S.Guards.erase(std::remove_if(S.Guards.begin(), S.Guards.end(),
                                  [&](const GuardFact &X) {
                                    return X.Id == To;
                                  }),
                   S.Guards.end());
    S.Guards.push_back(std::move(NewG));
    return;
  }
  case OpKind::GuardLock:
  case OpKind::GuardTryLock: {
    if (Op.K == OpKind::GuardLock)
      noteGuardParam(Op.Guard, FunctionSummary::GuardEffect::Locks);
    const void *Id = guardId(Op.Guard);
    GuardFact *G = Id ? S.guard(Id) : nullptr;
    if (!G || G->Locks.empty())
      return;
    if (G->Owning == GuardFact::Owns::Yes) {
      if (Op.K == OpKind::GuardLock && Final && once(1, Loc)) {
        DoubleLockEvent Ev;
        Ev.Lock = G->Locks.front().name();
        Ev.Loc = Loc;
        Ev.ViaGuard = true;
        Ev.GuardName = G->Name;
        if (const LockFact *F = S.find(G->Locks.front().key()))
          Ev.FirstLoc = F->AcquiredAt;
        H->handleDoubleLock(Ev);
      }
      return;
    }
    auto Locks = G->Locks;
    bool Shared = G->Shared;
    AcquireOpts O;
    auto Ks = Keys(Locks);
    if (Locks.size() > 1)
      O.NoOrder = Ks;
    if (Op.K == OpKind::GuardTryLock) {
      O.IsTry = true;
      O.TryCond = BranchCond{exprKey(E, Ctx), Op.Success};
    }
    for (const LockPath &P : Locks)
      acquire(S, P, Shared, Loc, Id, O);
    if (GuardFact *G2 = S.guard(Id))
      G2->Owning = Op.K == OpKind::GuardTryLock ? GuardFact::Owns::Maybe
                                                : GuardFact::Owns::Yes;
    return;
  }
  case OpKind::GuardUnlock: {
    noteGuardParam(Op.Guard, FunctionSummary::GuardEffect::Unlocks);
    const void *Id = guardId(Op.Guard);
    GuardFact *G = Id ? S.guard(Id) : nullptr;
    if (!G)
      return;
    if (G->Owning != GuardFact::Owns::Yes) {
      if (Final && once(2, Loc)) {
        UnlockNotHeldEvent Ev;
        Ev.Lock = G->Locks.empty() ? "" : G->Locks.front().name();
        Ev.MaybeOwns = G->Owning == GuardFact::Owns::Maybe;
        Ev.Loc = Loc;
        Ev.GuardName = G->Name;
        Ev.GuardDoesNotOwn = true;
        for (const ReleasedFact &R : S.Released)
          if (!G->Locks.empty() && R.Key == G->Locks.front().key())
            Ev.ReleasedAt = R.At;
        H->handleUnlockNotHeld(Ev);
      }
      G->Owning = GuardFact::Owns::No;
      S.dropGuardFacts(Id);
      return;
    }
    auto Locks = G->Locks;
    std::string Name = G->Name;
    G->Owning = GuardFact::Owns::No;
    ReleaseOpts O;
    O.FromGuard = true;
    O.GuardName = Name;
    for (const LockPath &P : Locks)
      release(S, P, Loc, O);
    return;
  }
  case OpKind::GuardRelease: {
    noteGuardParam(Op.Guard, FunctionSummary::GuardEffect::Releases);
    const void *Id = guardId(Op.Guard);
    GuardFact *G = Id ? S.guard(Id) : nullptr;
    if (!G)
      return;
    G->Locks.clear();
    G->Owning = GuardFact::Owns::No;
    S.detachGuardFacts(Id);
    return;
  }
  case OpKind::GuardOwns:
    return;
  case OpKind::GuardSwap: {
    const void *A = guardId(Op.Guard), *B = guardId(Op.MovedFrom);
    GuardFact *GA = A ? S.guard(A) : nullptr;
    GuardFact *GB = B ? S.guard(B) : nullptr;
    if (!GA || !GB) {
      // Swapped with a guard we do not follow: its locks are out of sight.
      for (const void *Id : {A, B})
        if (Id && S.guard(Id)) {
          S.dropGuardFacts(Id);
          S.Guards.erase(S.Guards.begin() + (S.guard(Id) - S.Guards.data()));
        }
      return;
    }
    std::swap(GA->Locks, GB->Locks);
    std::swap(GA->Owning, GB->Owning);
    std::swap(GA->Shared, GB->Shared);
    std::string KA = guardKey(A), KB = guardKey(B);
    for (LockFact &F : S.Facts) {
      if (F.Guard == A || F.Guard == B)
        F.Guard = F.Guard == A ? B : A;
      if (F.Cond && (F.Cond->Key == KA || F.Cond->Key == KB))
        F.Cond->Key = F.Cond->Key == KA ? KB : KA;
    }
    return;
  }
  case OpKind::AssertHeld: {
    for (const LockPath &P : lockPaths(Op, E))
      if (!S.find(P.key())) {
        LockFact F;
        F.Key = P.key();
        F.Path = P;
        F.AcquiredAt = Loc;
        F.Shared = Op.Shared;
        F.FromCaller = true;
        S.Facts.push_back(std::move(F));
      }
    return;
  }
  case OpKind::CvWait: {
    std::vector<std::string> CvKeys;
    std::optional<LockPath> CvPath;
    bool Known = false;
    if (Op.CvLock) {
      if (const void *Id = guardId(Op.CvLock)) {
        if (const GuardFact *G = S.guard(Id)) {
          Known = !G->Locks.empty();
          for (const LockPath &P : G->Locks) {
            CvKeys.push_back(P.key());
            if (!CvPath)
              CvPath = P;
          }
        }
      } else if (auto P = LockPath::fromExpr(Op.CvLock, FD)) {
        Known = true;
        CvKeys.push_back(P->key());
        CvPath = P;
      }
    }
    if (Known && !(CvPath && mayAlias(*CvPath))) {
      BlockingEvent Ev;
      Ev.What = Op.What;
      Ev.Loc = Loc;
      Ev.CvWait = true;
      reportBlocking(S, CvKeys, Ev);
    }
    if (Final && (Known || !Op.CvLock))
      Sum.Blocks.push_back({Op.What, Loc, CvPath});
    return;
  }
  case OpKind::Blocking: {
    BlockingEvent Ev;
    Ev.What = Op.What;
    Ev.Loc = Loc;
    reportBlocking(S, {}, Ev);
    if (Final)
      Sum.Blocks.push_back({Op.What, Loc, std::nullopt});
    return;
  }
  }
}

void FunctionAnalyzer::applySummary(const Expr *E, const FunctionDecl *Callee,
                                    LockSet &S) {
  const FunctionSummary &CS = TU.analyze(Callee);
  // A call to a coroutine only creates its frame: the body runs when the
  // frame is resumed, later and maybe on another thread, so none of its
  // locks, blocking calls or order edges belong to this call site.
  // FIXME: an eager coroutine (CoroutineModel's startsEagerly) does run its
  // body here up to its first suspension; applying the effects of that
  // prefix needs a summary cut at the first suspension, which summaries
  // do not have yet, so its locks there are missed rather than guessed.
  if (CS.Coroutine)
    return;
  SourceLocation Loc = locOf(E);
  if (Final && Callee->getCanonicalDecl() != FD->getCanonicalDecl())
    TU.noteCaller(Callee); // its effects are now this function's to judge
  std::string Name = calleeName(Callee);
  std::optional<LockPath> Obj;
  llvm::SmallVector<std::optional<LockPath>, 4> Args;
  callSite(E, Obj, Args);

  if (!CS.GuardParams.empty()) {
    llvm::SmallVector<const Expr *, 4> ArgExprs;
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      for (const Expr *A : CE->arguments())
        ArgExprs.push_back(A);
    } else {
      const auto *Call = cast<CallExpr>(E);
      unsigned First = isa<CXXOperatorCallExpr>(Call) &&
                               isa<CXXMethodDecl>(Callee)
                           ? 1
                           : 0;
      for (unsigned I = First; I < Call->getNumArgs(); ++I)
        ArgExprs.push_back(Call->getArg(I));
    }
    for (const auto &GP : CS.GuardParams)
      if (GP.first < ArgExprs.size())
        applyGuardEffect(ArgExprs[GP.first], GP.second, Loc, S);
  }
  for (const LockEffect &R : CS.Releases)
    if (auto P = R.Path.substitute(Obj, Args)) {
      ReleaseOpts O;
      O.InnerLoc = R.Loc;
      O.Callee = Name;
      release(S, *P, Loc, O);
    }
  llvm::StringSet<> AcquiredKeys;
  for (const LockEffect &A : CS.Acquires)
    AcquiredKeys.insert(A.Path.key());
  for (const LockEffect &A : CS.ReturnedGuard)
    AcquiredKeys.insert(A.Path.key());
  for (const LockEffect &A : CS.TryAcquires)
    AcquiredKeys.insert(A.Path.key());
  for (const LockEffect &T : CS.Takes) {
    if (AcquiredKeys.count(T.Path.key()))
      continue;
    auto P = T.Path.substitute(Obj, Args);
    if (!P)
      continue;
    std::string K = P->key();
    const LockFact *F = S.find(K);
    if (F && !F->Maybe && !isRecursive(*P) && !(F->Shared && T.Shared) &&
        !P->Imprecise && Final && once(1, Loc)) {
      DoubleLockEvent Ev;
      Ev.Lock = P->name();
      Ev.Loc = Loc;
      Ev.FirstLoc = F->AcquiredAt;
      Ev.InnerLoc = T.Loc;
      Ev.Callee = Name;
      H->handleDoubleLock(Ev);
    }
    if (Final) {
      if (!F)
        recordOrder(S, *P, Loc, T.Loc, Name, {}, false);
      if (!S.isEntryReleased(K))
        Sum.Takes.push_back({*P, T.Shared, T.Loc, {}});
    }
  }
  for (const LockEffect &A : CS.Acquires)
    if (auto P = A.Path.substitute(Obj, Args)) {
      AcquireOpts O;
      O.InnerLoc = A.Loc;
      O.Callee = Name;
      bool Had = S.find(P->key());
      acquire(S, *P, A.Shared, Loc, nullptr, O);
      if (A.ByResult && !Had)
        resultTells(S, P->key(), E, A.Success);
    }
  if (!CS.ReturnedGuard.empty() && isa<CallExpr>(E)) {
    // The call's result is a guard owning these locks (a variable it
    // initialises, or a temporary until moved).
    const void *Id = guardId(E);
    GuardFact G;
    G.Id = Id;
    const VarDecl *VD = Pre.CallVar.lookup(E);
    G.Name = VD && VD->getIdentifier() ? VD->getName().str() : "temporary";
    G.Owning = GuardFact::Owns::Yes;
    for (const LockEffect &A : CS.ReturnedGuard)
      if (auto P = A.Path.substitute(Obj, Args)) {
        G.Shared = A.Shared;
        AcquireOpts O;
        O.InnerLoc = A.Loc;
        O.Callee = Name;
        acquire(S, *P, A.Shared, Loc, Id, O);
        G.Locks.push_back(std::move(*P));
      }
    if (Id && !G.Locks.empty()) {
      S.Guards.erase(std::remove_if(S.Guards.begin(), S.Guards.end(),
                                    [&](const GuardFact &X) {
                                      return X.Id == Id;
                                    }),
                     S.Guards.end());
      S.Guards.push_back(std::move(G));
    }
  }
  for (const LockEffect &A : CS.TryAcquires) {
    std::optional<LockPath> P;
    if (!A.FromResult) {
      P = A.Path.substitute(Obj, Args);
    } else if (const VarDecl *VD = Pre.CallVar.lookup(E)) {
      // The node the call returned, now named by the caller's variable.
      P = A.Path;
      P->Kind = LockPath::RootKind::Local;
      P->Root = VD;
      P->ParamIndex = 0;
      P->Steps.erase(P->Steps.begin(), P->Steps.begin() + A.ResultSteps);
    }
    if (P) {
      AcquireOpts O;
      O.IsTry = true;
      O.TryCond = BranchCond{exprKey(E, Ctx), A.Success};
      O.InnerLoc = A.Loc;
      O.Callee = Name;
      acquire(S, *P, A.Shared, Loc, nullptr, O);
    }
  }
  bool ReportedBlock = false;
  for (const BlockingEffect &B : CS.Blocks) {
    std::optional<LockPath> Cv;
    std::vector<std::string> Except;
    if (B.CvLock) {
      Cv = B.CvLock->substitute(Obj, Args);
      if (!Cv)
        continue; // waits with a lock of its own making: not ours to judge
      Except.push_back(Cv->key());
    }
    if (!ReportedBlock && !(Cv && mayAlias(*Cv))) {
      BlockingEvent Ev;
      Ev.What = B.What;
      Ev.Loc = Loc;
      Ev.InnerLoc = B.Loc;
      Ev.Callee = Name;
      Ev.CvWait = B.CvLock.has_value();
      size_t Before = Reported.size();
      reportBlocking(S, Except, Ev);
      ReportedBlock = Reported.size() != Before;
    }
    if (Final)
      Sum.Blocks.push_back({B.What, B.Loc, Cv});
  }
  if (Final && !CS.Edges.empty()) {
    // Each gate list of the callee is mapped into the caller once, node by
    // node (its nested lists share their tails, and so do the mapped ones),
    // and the caller's held locks are one more group shared by all the edges.
    llvm::DenseMap<const HeldLock *, HeldList> Mapped;
    auto Map = [&](const HeldList &L) -> HeldList {
      llvm::SmallVector<const HeldLock *, 8> Todo;
      HeldList Base;
      for (const HeldLock *N = L.get(); N; N = N->Next.get()) {
        auto It = Mapped.find(N);
        if (It != Mapped.end()) {
          Base = It->second;
          break;
        }
        Todo.push_back(N);
      }
      for (const HeldLock *N : llvm::reverse(Todo)) {
        if (auto GP = N->Path.substitute(Obj, Args)) {
          auto M = std::make_shared<HeldLock>();
          M->Path = std::move(*GP);
          M->AcquiredAt = N->AcquiredAt;
          M->Depth = Base ? Base->Depth + 1 : 1;
          M->Next = std::move(Base);
          Base = std::move(M);
        }
        Mapped[N] = Base; // a lock that does not map is left out
      }
      return Base;
    };
    HeldList Held = heldList(S);
    for (const OrderEdge &Edge : CS.Edges) {
      auto From = Edge.From.substitute(Obj, Args);
      auto To = Edge.To.substitute(Obj, Args);
      if (!From || !To)
        continue;
      OrderEdge NE = Edge;
      NE.From = *From;
      NE.To = *To;
      NE.GateGroups.clear();
      // The first group stays the held set where To was acquired, even when
      // empty (the lock-order check reads it to compose chained edges).
      for (const HeldList &Group : Edge.GateGroups) {
        HeldList M = Map(Group);
        if (M || NE.GateGroups.empty())
          NE.GateGroups.push_back(std::move(M));
      }
      if (Held)
        NE.GateGroups.push_back(Held);
      Sum.Edges.push_back(std::move(NE));
    }
  }
}

void FunctionAnalyzer::maybeThrows(const Expr *E, const FunctionDecl *Callee,
                                   LockSet &S) {
  if (!Final || !Callee || Pre.InTry.count(E) || !knownThrower(E).empty())
    return;
  if (Callee->getBuiltinID() || isa<CXXDestructorDecl>(Callee) ||
      Callee->isExternC())
    return;
  if (const auto *FPT = Callee->getType()->getAs<FunctionProtoType>()) {
    // Implicit members whose exception specification was never needed are
    // left unevaluated: do not guess.
    if (FPT->isNothrow() ||
        FPT->getExceptionSpecType() == EST_Unevaluated ||
        FPT->getExceptionSpecType() == EST_Uninstantiated)
      return;
  }
  const FunctionDecl *Def = nullptr;
  bool Visible = false;
  if (Callee->hasBody(Def) && TU.isAnalyzable(Def)) {
    const FunctionSummary &CS = TU.analyze(Def);
    // What a coroutine's body throws goes to its promise's
    // unhandled_exception(), not out of the call; the call itself (the
    // frame's allocation, get_return_object) may still throw, unseen.
    if (!CS.MayThrow && !CS.Coroutine)
      return;
    Visible = CS.Throws && !CS.Coroutine;
  } else if (SM.isInSystemHeader(Callee->getLocation())) {
    // Stream insertion and extraction do not throw unless the program
    // turns stream exceptions on.
    if (Callee->getOverloadedOperator() == OO_LessLess ||
        Callee->getOverloadedOperator() == OO_GreaterGreater)
      return;
  }
  if (!CanThrowOut) {
    return;
  }
  std::string Name = calleeName(Callee);
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    PrintingPolicy PP(Ctx.getLangOpts());
    PP.SuppressTagKeyword = true;
    Name = "the " + CE->getType().getUnqualifiedType().getAsString(PP) +
           " constructor";
  }
  throwExits(E, std::move(Name), Visible, S);
}

/// An exception from \p E leaves the function: every lock held by hand
/// (not by a guard, not the caller's) stays locked.
void FunctionAnalyzer::throwExits(const Expr *E, std::string Name,
                                  bool Visible, const LockSet &S) {
  Sum.MayThrow = true;
  Sum.Throws |= Visible;
  for (const LockFact &F : S.Facts) {
    if (F.Guard || F.Maybe || F.FromCaller || EntryKeys.count(F.Key) ||
        S.isEntryReleased(F.Key))
      continue;
    // One exit per acquisition: the first visible throw, else the first
    // call that may throw.
    ThrowExit *Seen = nullptr;
    for (ThrowExit &T : ThrowExits)
      if (T.AcquiredAt == F.AcquiredAt && T.Key == F.Key)
        Seen = &T;
    if (Seen && (Seen->Visible || !Visible))
      continue;
    ThrowExit T{F.Key, F.Path, F.AcquiredAt, locOf(E), Name, Visible};
    if (Seen)
      *Seen = std::move(T);
    else
      ThrowExits.push_back(std::move(T));
  }
}

Normalized normalize(const Expr *C, const ASTContext &Ctx) {
  bool Neg = false;
  while (true) {
    C = strip(C);
    if (const auto *U = dyn_cast<UnaryOperator>(C)) {
      if (U->getOpcode() == UO_LNot) {
        Neg = !Neg;
        C = U->getSubExpr();
        continue;
      }
    }
    break;
  }
  Normalized N;
  N.Operand = C;
  N.WhenTrue = SuccessTest{false, 0};
  if (const auto *B = dyn_cast<BinaryOperator>(C)) {
    if (B->getOpcode() == BO_EQ || B->getOpcode() == BO_NE) {
      const Expr *L = B->getLHS(), *R = B->getRHS();
      Expr::EvalResult ER;
      const Expr *Other = nullptr;
      if (R->EvaluateAsInt(ER, Ctx))
        Other = L;
      else if (L->EvaluateAsInt(ER, Ctx))
        Other = R;
      if (Other) {
        N.Operand = strip(Other);
        N.WhenTrue = SuccessTest{B->getOpcode() == BO_EQ,
                                 ER.Val.getInt().getExtValue()};
      }
    }
  }
  if (Neg)
    N.WhenTrue = negate(N.WhenTrue);
  return N;
}

void FunctionAnalyzer::refine(LockSet &S, const Expr *Cond, bool TrueEdge) {
  Normalized N = normalize(Cond, Ctx);
  if (!N.Operand)
    return;
  // `s.ok()` is true exactly when the status s tells success.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(N.Operand))
    if (const CXXMethodDecl *M = MC->getMethodDecl())
      if (M->getIdentifier() && M->getName().equals_insensitive("ok") &&
          MC->getNumArgs() == 0 && MC->getImplicitObjectArgument())
        N.Operand = strip(MC->getImplicitObjectArgument());
  SuccessTest Known = TrueEdge ? N.WhenTrue : negate(N.WhenTrue);
  std::string Key;
  // lk.owns_lock() and `if (lk)` talk about the guard itself.
  Operation Op = isa<CallExpr>(N.Operand) ? Model.classify(N.Operand, Ctx)
                                          : Operation();
  if (Op.K == OpKind::GuardOwns) {
    const void *Id = guardId(Op.Guard);
    GuardFact *G = Id ? S.guard(Id) : nullptr;
    if (!G)
      return;
    Key = guardKey(Id);
    int D = decide(SuccessTest{false, 0}, Known);
    if (D >= 0 && G->Owning == GuardFact::Owns::Maybe) {
      // Facts tied to the guard's try are decided by assume() below; facts
      // tied to a try_lock() on the guard are decided here.
      G->Owning = D ? GuardFact::Owns::Yes : GuardFact::Owns::No;
      for (size_t I = 0; I < S.Facts.size();) {
        LockFact &F = S.Facts[I];
        if (F.Guard == Id && F.Maybe) {
          if (D) {
            F.Maybe = false;
            F.Cond.reset();
          } else {
            S.Facts.erase(S.Facts.begin() + I);
            continue;
          }
        }
        ++I;
      }
    }
  } else {
    Key = exprKey(N.Operand, Ctx);
  }
  S.assume(BranchCond{Key, Known});
}

void FunctionAnalyzer::transferBlock(const CFGBlock &B, LockSet S,
                                     std::vector<std::optional<LockSet>> &Out) {
  const CoroutineSuspendExpr *Suspended = nullptr;
  for (const CFGElement &El : B) {
    if (auto CS = El.getAs<CFGStmt>()) {
      // The first node of a suspension's await_resume (or the co_await
      // itself): the coroutine is suspended in the state before it.
      if (Final && !Pre.ResumeOf.empty())
        if (const CoroutineSuspendExpr *E =
                Pre.ResumeOf.lookup(CS->getStmt()))
          if (E != Suspended) {
            Suspended = E;
            reportSuspension(E, S);
          }
      processStmt(CS->getStmt(), S);
      // A call that never returns ends the path, as a noreturn one does.
      if (const auto *Call = dyn_cast<CallExpr>(CS->getStmt()))
        if (TU.neverReturns(Call)) {
          Out.assign(B.succ_size(), std::nullopt);
          return;
        }
    } else if (auto AD = El.getAs<CFGAutomaticObjDtor>()) {
      const VarDecl *VD = AD->getVarDecl();
      const Stmt *Trigger = AD->getTriggerStmt();
      SourceLocation Loc;
      if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Trigger))
        Loc = CS->getRBracLoc();
      else if (Trigger)
        Loc = Trigger->getBeginLoc();
      if (S.guard(VD)) {
        guardDtor(VD, Loc, S);
      } else if (const CXXRecordDecl *RD =
                     VD->getType()->getAsCXXRecordDecl()) {
        // A user RAII class: its destructor's summary applies to the object.
        const CXXDestructorDecl *Dtor = RD->getDestructor();
        const FunctionDecl *Def = nullptr;
        if (Dtor && Dtor->hasBody(Def) && TU.isAnalyzable(Def)) {
          const FunctionSummary &DS = TU.analyze(Def);
          std::optional<LockPath> Obj;
          Obj.emplace();
          Obj->Kind = LockPath::RootKind::Local;
          Obj->Root = VD;
          for (const LockEffect &R : DS.Releases)
            if (auto P = R.Path.substitute(Obj, {})) {
              ReleaseOpts O;
              O.InnerLoc = R.Loc;
              O.Callee = calleeName(Def);
              O.FromGuard = true;
              release(S, *P, Loc, O);
            }
        }
      }
    } else if (auto TD = El.getAs<CFGTemporaryDtor>()) {
      if (const CXXBindTemporaryExpr *BTE = TD->getBindTemporaryExpr()) {
        const Expr *Sub = strip(BTE->getSubExpr());
        if (isa_and_nonnull<CXXConstructExpr>(Sub) ||
            isa_and_nonnull<CallExpr>(Sub))
          guardDtor(Sub, locOf(BTE), S);
      }
    }
  }
  Out.assign(B.succ_size(), std::nullopt);
  const Stmt *Term = B.getTerminatorStmt();
  const Expr *Cond = nullptr;
  if (B.succ_size() == 2 && Term &&
      (isa<IfStmt>(Term) || isa<WhileStmt>(Term) || isa<ForStmt>(Term) ||
       isa<DoStmt>(Term) || isa<ConditionalOperator>(Term) ||
       isa<BinaryOperator>(Term) || isa<BinaryConditionalOperator>(Term))) {
    Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition(false));
    // In the block evaluating the right side of `a && b`, the branch
    // depends on b.
    while (const auto *BO = dyn_cast_or_null<BinaryOperator>(
               Cond ? Cond->IgnoreParens() : nullptr)) {
      if (!BO->isLogicalOp())
        break;
      Cond = BO->getRHS();
    }
  }
  // A branch on a local that is only ever read follows one edge.
  std::optional<bool> Known = Cond ? knownCondition(Cond) : std::nullopt;
  unsigned I = 0;
  for (const CFGBlock::AdjacentBlock &Succ : B.succs()) {
    if (Succ.getReachableBlock() && !(Known && *Known != (I == 0))) {
      LockSet Copy = S;
      if (Cond)
        refine(Copy, Cond, I == 0);
      Out[I] = std::move(Copy);
    }
    ++I;
  }
}

void FunctionAnalyzer::finishExit(const CFG &Cfg,
                                  const FlowEngine<HeldLocksDomain> &Engine) {
  const CFGBlock &Exit = Cfg.getExit();
  std::set<unsigned> ReportedAcq;
  llvm::StringSet<> WrapperKeys;
  bool ReturnsGuard = LockModel::isGuardType(FD->getReturnType());
  SourceLocation EndLoc = FD->getBody()->getEndLoc();

  // The out-state of each predecessor of the exit, with its return.
  struct ExitPath {
    const LockSet *State;
    const ReturnStmt *Return;
  };
  std::vector<ExitPath> Paths;
  // What Paths point into.
  const std::vector<std::pair<const CFGBlock *, LockSet>> ExitStates =
      Engine.exitEdges();
  for (const auto &[PB, Out] : ExitStates) {
    const ReturnStmt *RS = nullptr;
    for (const CFGElement &El : *PB)
      if (auto CS = El.getAs<CFGStmt>())
        if (const auto *R = dyn_cast<ReturnStmt>(CS->getStmt()))
          RS = R;
    Paths.push_back({&Out, RS});
  }

  // A status object or a pointer tells success by truth (`s.ok()`, `p !=
  // nullptr`): 1 for `Status::OK()` or a pointer that is not null, 0 for
  // another status or a null pointer.
  QualType RT = FD->getReturnType();
  bool ByTruth = RT->isPointerType() || RT->isRecordType();
  auto ReturnValue = [&](const Expr *V) -> std::optional<std::int64_t> {
    Expr::EvalResult R;
    if (!V)
      return std::nullopt;
    if (RT->isPointerType())
      return V->isNullPointerConstant(Ctx,
                                      Expr::NPC_ValueDependentIsNotNull)
                 ? 0
                 : 1;
    if (RT->isRecordType()) {
      const auto *Call = dyn_cast_or_null<CallExpr>(strip(V));
      const FunctionDecl *F = Call ? Call->getDirectCallee() : nullptr;
      if (!F || !F->getIdentifier())
        return std::nullopt;
      return F->getName().equals_insensitive("ok") ? 1 : 0;
    }
    if (!V->EvaluateAsInt(R, Ctx))
      return std::nullopt;
    return R.Val.getInt().getExtValue();
  };
  auto TryWrapper = [&](const LockFact &F) -> std::optional<SuccessTest> {
    if (!RT->isBooleanType() && !RT->isIntegerType() && !ByTruth)
      return std::nullopt;
    std::set<std::int64_t> HeldVals, FreeVals;
    for (const ExitPath &P : Paths) {
      auto Val = ReturnValue(P.Return ? P.Return->getRetValue() : nullptr);
      if (!Val)
        return std::nullopt;
      std::int64_t V = *Val;
      const LockFact *G = P.State->find(F.Key);
      if (G && G->Maybe)
        return std::nullopt;
      (G ? HeldVals : FreeVals).insert(V);
    }
    if (HeldVals.size() != 1 || FreeVals.count(*HeldVals.begin()))
      return std::nullopt;
    std::int64_t V = *HeldVals.begin();
    if (RT->isBooleanType() || ByTruth)
      return V ? SuccessTest{false, 0} : SuccessTest{true, 0};
    return SuccessTest{true, V};
  };

  // `Node *LockNode(k)`: returns the object whose lock it holds (a local,
  // or a member as in `if (ptr) ptr->lock(); return ptr;`), or a null
  // pointer where it holds none; callers test the pointer. Gives how many
  // steps of the lock's path lead to the returned pointer.
  auto ReturnsLocked = [&](const LockFact &F) -> std::optional<unsigned> {
    if (!RT->isPointerType() || F.Path.Steps.empty() || F.Path.Imprecise ||
        F.Guard)
      return std::nullopt;
    // The returned pointer's path is a proper prefix of the lock's path.
    auto PrefixOf = [&](const Expr *V) -> std::optional<unsigned> {
      auto R = LockPath::fromExpr(V, FD);
      if (!R || R->Imprecise || R->Kind != F.Path.Kind ||
          R->Root != F.Path.Root || R->ParamIndex != F.Path.ParamIndex ||
          R->Steps.size() >= F.Path.Steps.size() ||
          !std::equal(R->Steps.begin(), R->Steps.end(),
                      F.Path.Steps.begin()))
        return std::nullopt;
      return static_cast<unsigned>(R->Steps.size());
    };
    std::optional<unsigned> Steps;
    for (const ExitPath &P : Paths) {
      const Expr *V = P.Return ? P.Return->getRetValue() : nullptr;
      if (!V)
        return std::nullopt;
      const LockFact *G = P.State->find(F.Key);
      // Held on some paths to this return: exactly where the returned
      // pointer is not null (`if (ptr) ptr->lock(); return ptr;`).
      if (G && G->Maybe &&
          !(G->Cond && G->Cond->Key == exprKey(V, Ctx) &&
            decide(SuccessTest{false, 0}, G->Cond->Test) == 1))
        return std::nullopt;
      if (G) {
        auto N = PrefixOf(V);
        if (!N || (Steps && *Steps != *N))
          return std::nullopt;
        Steps = N;
        continue;
      }
      if (V->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
        continue;
      // `return ptr;` where this path found ptr null.
      if (!PrefixOf(V) ||
          !P.State->knows(BranchCond{exprKey(V, Ctx), SuccessTest{true, 0}}))
        return std::nullopt;
    }
    return Steps;
  };

  // A function whose annotations say it acquires or try-acquires (a
  // scoped_lockable constructor that locks only a non-null mutex, a
  // `bool TryLock() TRY_ACQUIRE(true)` testing a pthread result) returns
  // holding what it locked, on some paths or all: the annotation is its
  // contract, and callers already follow it instead of this body.
  bool AnnotatedAcquire = FD->hasAttr<AcquireCapabilityAttr>() ||
                          FD->hasAttr<TryAcquireCapabilityAttr>() ||
                          FD->hasAttr<ExclusiveTrylockFunctionAttr>() ||
                          FD->hasAttr<SharedTrylockFunctionAttr>();
  const std::optional<LockSet> ExitIn = Engine.joinedInto(Exit);
  if (ExitIn) {
    for (const LockFact &F : ExitIn->Facts) {
      if (F.Guard)
        continue; // a guard still alive (a returned or static guard)
      if (F.FromCaller || EntryKeys.count(F.Key) ||
          ExitIn->isEntryReleased(F.Key))
        continue; // the caller's lock, handed back held
      bool LocalLock = ownsLock(F.Path);
      bool Substitutable =
          F.Path.Kind != LockPath::RootKind::Local && !LocalLock;
      if (!F.Maybe && Substitutable && !F.Detached) {
        // Returns holding it on every path: a Lock() wrapper.
        bool ByResult = F.Cond && F.Cond->Key == ReturnedResult;
        if (!ReturnsGuard)
          Sum.Acquires.push_back({F.Path, F.Shared, F.AcquiredAt,
                                  ByResult ? F.Cond->Test : SuccessTest{},
                                  ByResult});
        WrapperKeys.insert(F.Key);
        continue;
      }
      if (F.Maybe && Substitutable && F.FromTry) {
        if (auto T = TryWrapper(F)) {
          Sum.TryAcquires.push_back({F.Path, F.Shared, F.AcquiredAt, *T});
          WrapperKeys.insert(F.Key);
          continue;
        }
      }
      if (auto Steps = F.Maybe ? ReturnsLocked(F) : std::nullopt) {
        LockEffect A{F.Path, F.Shared, F.AcquiredAt, SuccessTest{false, 0}};
        A.FromResult = true;
        A.ResultSteps = *Steps;
        Sum.TryAcquires.push_back(std::move(A));
        WrapperKeys.insert(F.Key);
        continue;
      }
      if (!F.Maybe && !LocalLock && !F.Detached)
        continue; // a lock inside a local object: its owner may release it
      if (F.Path.Kind == LockPath::RootKind::Local && !F.Path.Steps.empty() &&
          Pre.handsBack(dyn_cast_or_null<VarDecl>(F.Path.Root)))
        continue; // in a node the caller may get back, locked
      if (AnnotatedAcquire && !LocalLock)
        continue;
      if (F.Path.Imprecise)
        continue;
      SourceLocation ExitLoc = EndLoc;
      for (const ExitPath &P : Paths)
        if (P.State->find(F.Key) && P.Return) {
          ExitLoc = P.Return->getBeginLoc();
          break;
        }
      if (!ReportedAcq.insert(F.AcquiredAt.getRawEncoding()).second)
        continue;
      NotReleasedEvent Ev;
      Ev.Lock = F.Path.name();
      Ev.AcquiredAt = F.AcquiredAt;
      Ev.ExitLoc = ExitLoc;
      H->handleNotReleased(Ev);
    }
  }
  // The caller's locks that this function leaves released: an Unlock()
  // wrapper.
  if (ExitIn)
    for (const LockPath &P : EntryPaths)
      if (!ExitIn->find(P.key()))
        for (const ReleasedFact &R : ExitIn->Released)
          if (R.Key == P.key())
            Sum.Releases.push_back({P, false, R.At, {}});
  // A function that takes a lock itself does not expect its caller to hold
  // it: releasing it where it was not taken is a bug, not a wrapper.
  for (const EntryRelease &R : EntryReleaseSites) {
    bool Takes = false;
    for (const LockEffect &T : Sum.Takes)
      if (T.Path.key() == R.Key)
        Takes = true;
    if (!Takes || R.Path.Imprecise || !once(2, R.Loc))
      continue;
    Sum.Releases.erase(std::remove_if(Sum.Releases.begin(), Sum.Releases.end(),
                                      [&](const LockEffect &E) {
                                        return E.Path.key() == R.Key;
                                      }),
                       Sum.Releases.end());
    UnlockNotHeldEvent Ev;
    Ev.Lock = R.Path.name();
    Ev.Loc = R.Loc;
    Ev.InnerLoc = R.InnerLoc;
    Ev.Callee = R.Callee;
    H->handleUnlockNotHeld(Ev);
  }
  for (const ThrowExit &T : ThrowExits) {
    if (WrapperKeys.count(T.Key) || T.Path.Imprecise || AnnotatedAcquire)
      continue;
    if (T.Path.Kind == LockPath::RootKind::Local &&
        !(T.Path.Steps.empty() && T.Path.Root &&
          LockModel::isLockType(T.Path.Root->getType())))
      continue;
    if (!ReportedAcq.insert(T.AcquiredAt.getRawEncoding()).second)
      continue;
    NotReleasedEvent Ev;
    Ev.Lock = T.Path.name();
    Ev.AcquiredAt = T.AcquiredAt;
    Ev.ExitLoc = T.CallLoc;
    Ev.ByException = true;
    Ev.Thrower = T.Callee;
    Ev.ThrowVisible = T.Visible;
    H->handleNotReleased(Ev);
  }
}

void FunctionAnalyzer::run() {
  Stmt *Body = FD->getBody();
  if (!Body)
    return;
  // A coroutine's CoroutineBodyStmt also holds what the compiler adds around
  // the written body (the promise, the initial and final suspends,
  // `return get_return_object()`, the unhandled_exception() handler), in no
  // execution order a CFG could follow. The written body alone is what runs
  // when the frame is resumed; falling off its end or a co_return leaves it.
  if (const auto *CB = dyn_cast<CoroutineBodyStmt>(Body)) {
    Body = CB->getBody();
    Pre.ResumeOf = suspensionsOf(Body);
  }
  Pre.TraverseStmt(Body);
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->getInit())
        Pre.TraverseStmt(Init->getInit());
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  CanThrowOut = Ctx.getLangOpts().CXXExceptions &&
                !isa<CXXDestructorDecl>(FD) && !(FPT && FPT->isNothrow());

  CFG::BuildOptions BO;
  BO.AddImplicitDtors = true;
  BO.AddTemporaryDtors = true;
  BO.AddInitializers = true;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg =
      CFG::buildCFG(FD, Body, &Ctx, BO);

  if (!Cfg)
    return;
  // Locks the function may assume held: required by its annotations.
  LockSet Entry;
  for (const auto *A : FD->specific_attrs<RequiresCapabilityAttr>())
    for (const Expr *L : A->args())
      if (auto P = LockPath::fromExpr(L, FD))
        addEntryFact(Entry, *P, A->isShared(), FD->getLocation());

  // First pass, its findings buffered: it may show that the function
  // releases a lock its caller holds (`mu_.Unlock(); ...; mu_.Lock();` in a
  // function that expects mu_ held). Such locks are then held on entry in a
  // second pass, whose findings count.
  BufferingHandler Buf;
  H = &Buf;
  runPasses(*Cfg, Entry);
  H = &TU.handler();
  bool More = false;
  for (const EntryRelease &R : EntryReleaseSites) {
    bool Takes = false;
    for (const LockEffect &T : Sum.Takes)
      if (T.Path.key() == R.Key)
        Takes = true;
    if (!Takes && !Entry.find(R.Key)) {
      addEntryFact(Entry, R.Path, false, R.Loc);
      More = true;
    }
  }
  if (!More) {
    if (!Silenced) {
      Buf.replay(*H);
      noteUnproven(EntryReleaseSites);
    }
    return;
  }
  std::vector<EntryRelease> Sites = EntryReleaseSites;
  Sum = FunctionSummary();
  ThrowExits.clear();
  EntryReleaseSites.clear();
  Reported.clear();
  Final = false;
  runPasses(*Cfg, Entry);
  if (!Silenced)
    noteUnproven(Sites);
}

void FunctionAnalyzer::addEntryFact(LockSet &Entry, const LockPath &P,
                                    bool Shared, SourceLocation Loc) {
  if (Entry.find(P.key()))
    return;
  LockFact F;
  F.Key = P.key();
  F.Path = P;
  F.AcquiredAt = Loc;
  F.Shared = Shared;
  F.FromCaller = true;
  EntryKeys.insert(F.Key);
  EntryPaths.push_back(P);
  Entry.Facts.push_back(std::move(F));
}

void FunctionAnalyzer::runPasses(const CFG &Cfg, const LockSet &EntrySet) {
  HeldLocksDomain Domain{*this};
  FlowEngine<HeldLocksDomain> Engine(Cfg, Domain);
  // Settle without reporting. Lock sets only grow "maybe" facts and
  // intersect assumptions, so this settles in a few rounds; when it does
  // not, the function's findings are dropped (states that still change
  // would make false ones) but its summary is still built for its callers,
  // and the driver names the function.
  Final = false;
  if (Engine.run(EntrySet) == FlowOutcome::GaveUp) {
    TU.noteGaveUp(FD);
    Silenced = true;
  }
  // The reporting pass over the settled states.
  Final = true;
  HeldCache.clear();
  GuardReturns = 0;
  GuardReturnsDiffer = false;
  BufferingHandler Discard;
  LockHandler *Reporting = H;
  if (Silenced)
    H = &Discard;
  Engine.report();
  if (GuardReturnsDiffer)
    Sum.ReturnedGuard.clear();
  finishExit(Cfg, Engine);
  H = Reporting;
}

} // namespace

TUAnalysis::TUAnalysis(ASTContext &Ctx, const LockModel &Model,
                       LockHandler &Handler)
    : Ctx(Ctx), Model(Model), Handler(Handler) {}

TUAnalysis::~TUAnalysis() = default;

bool TUAnalysis::isAnalyzable(const FunctionDecl *FD) const {
  if (!FD || !FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
      FD->isInvalidDecl() || FD->getLocation().isInvalid())
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  return !SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation()));
}

/// The successor a branch on the constant \p V takes: the matching case of
/// a switch (or its default), else the true (0) or false (1) edge.
static const CFGBlock *constantSuccessor(const CFGBlock &B, const APValue &V,
                                         const ASTContext &Ctx) {
  if (!V.isInt())
    return nullptr;
  if (isa<SwitchStmt>(B.getTerminatorStmt())) {
    const CFGBlock *Default = nullptr;
    for (const CFGBlock::AdjacentBlock &S : B.succs()) {
      const CFGBlock *SB = S.getReachableBlock();
      const Stmt *L = SB ? SB->getLabel() : nullptr;
      if (const auto *CS = dyn_cast_or_null<CaseStmt>(L)) {
        Expr::EvalResult R;
        if (!CS->getRHS() && CS->getLHS()->EvaluateAsInt(R, Ctx) &&
            llvm::APSInt::isSameValue(R.Val.getInt(), V.getInt()))
          return SB;
        if (CS->getRHS())
          return nullptr; // a case range: do not guess
      } else if (SB) {
        Default = SB; // `default:`, or the code after a switch without one
      }
    }
    return Default;
  }
  if (B.succ_size() != 2)
    return nullptr;
  return (B.succ_begin() + (V.getInt().getBoolValue() ? 0 : 1))
      ->getReachableBlock();
}

/// Whether the body of \p FD may change one of its parameters (assigns,
/// increments or takes its address): branches on it then cannot be decided
/// by the call's arguments.
static bool changesParams(const FunctionDecl *FD) {
  struct Finder : RecursiveASTVisitor<Finder> {
    bool Found = false;
    static bool isParam(const Expr *E) {
      const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
      return DRE && isa<ParmVarDecl>(DRE->getDecl());
    }
    bool VisitBinaryOperator(BinaryOperator *B) {
      Found |= B->isAssignmentOp() && isParam(B->getLHS());
      return !Found;
    }
    bool VisitUnaryOperator(UnaryOperator *U) {
      Found |= (U->isIncrementDecrementOp() || U->getOpcode() == UO_AddrOf) &&
               isParam(U->getSubExpr());
      return !Found;
    }
    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *C) {
      Found |= C->isAssignmentOp() && C->getNumArgs() && isParam(C->getArg(0));
      return !Found;
    }
  } F;
  F.TraverseStmt(FD->getBody());
  return F.Found;
}

/// A logging call whose body is elsewhere, given a fatal severity
/// enumerator (`RawLog(kFatal, ...)`, `LogMessage(..., LOG_FATAL)`): logging
/// at that severity ends the program by convention.
static bool fatalLogCall(const CallExpr *Call, const FunctionDecl *Callee) {
  if (!Callee || !Callee->getIdentifier())
    return false;
  std::string Name = Callee->getName().lower();
  if (Name.find("log") == std::string::npos ||
      Name.find("level") != std::string::npos ||
      Name.find("set") != std::string::npos)
    return false;
  for (const Expr *A : Call->arguments()) {
    const auto *DRE = dyn_cast<DeclRefExpr>(A->IgnoreParenImpCasts());
    const auto *EC =
        DRE ? dyn_cast<EnumConstantDecl>(DRE->getDecl()) : nullptr;
    if (!EC || !EC->getIdentifier())
      continue;
    llvm::StringRef N = EC->getName();
    for (llvm::StringRef Prefix : {"k", "LOG_", "SEVERITY_", "GLOG_"})
      if (N.size() > Prefix.size() && N.startswith(Prefix) &&
          N.drop_front(Prefix.size()).equals_insensitive("fatal"))
        return true;
    if (N.equals_insensitive("fatal"))
      return true;
  }
  return false;
}

int TUAnalysis::passThroughParam(const FunctionDecl *FD) {
  auto It = PassThrough.find(FD);
  if (It != PassThrough.end())
    return It->second;
  struct Finder : RecursiveASTVisitor<Finder> {
    const ParmVarDecl *Param = nullptr;
    bool Other = false;
    bool VisitReturnStmt(ReturnStmt *R) {
      const Expr *V = R->getRetValue();
      const auto *DRE =
          V ? dyn_cast<DeclRefExpr>(V->IgnoreParenImpCasts()) : nullptr;
      const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
      if (!P || (Param && Param != P))
        Other = true;
      else
        Param = P;
      return !Other;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } F;
  int Index = -1;
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  if (FD->getBody() && FPT && FPT->getReturnType()->isIntegralOrEnumerationType()) {
    F.TraverseStmt(FD->getBody());
    if (F.Param && !F.Other && !changesParams(FD))
      Index = static_cast<int>(F.Param->getFunctionScopeIndex());
  }
  PassThrough[FD] = Index;
  return Index;
}

std::string TUAnalysis::visibleThrower(const Expr *E) {
  if (std::string T = knownThrower(E); !T.empty())
    return T;
  const FunctionDecl *Callee = nullptr;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    Callee = CE->getConstructor();
  else if (const auto *Call = dyn_cast<CallExpr>(E))
    Callee = Call->getDirectCallee();
  // The same exclusions as FunctionAnalyzer::maybeThrows.
  if (!Callee || Callee->getBuiltinID() || isa<CXXDestructorDecl>(Callee) ||
      Callee->isExternC())
    return "";
  if (const auto *FPT = Callee->getType()->getAs<FunctionProtoType>())
    if (FPT->isNothrow())
      return "";
  const FunctionDecl *Def = nullptr;
  if (!Callee->hasBody(Def) || !isAnalyzable(Def) || !analyze(Def).Throws ||
      analyze(Def).Coroutine)
    return "";
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    PrintingPolicy PP(Ctx.getLangOpts());
    PP.SuppressTagKeyword = true;
    return "the " + CE->getType().getUnqualifiedType().getAsString(PP) +
           " constructor";
  }
  return Callee->getQualifiedNameAsString();
}

bool TUAnalysis::neverReturns(const CallExpr *Call) {
  const FunctionDecl *Callee = Call->getDirectCallee();
  const FunctionDecl *Def = nullptr;
  if (Callee && !Callee->isNoReturn() &&
      !(Callee->hasBody(Def) && isAnalyzable(Def)) &&
      fatalLogCall(Call, Callee))
    return true;
  Def = nullptr;
  // Callees marked noreturn already end their block in the CFG. A virtual
  // call may reach an override that returns; a coroutine returns to its
  // caller at its first suspension whatever its body does.
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Callee);
  if (!Callee || Callee->isNoReturn() || (MD && MD->isVirtual()) ||
      !Callee->hasBody(Def) || !isAnalyzable(Def) ||
      isa<CoroutineBodyStmt>(Def->getBody()))
    return false;
  llvm::SmallVector<const Expr *, 4> Args;
  unsigned First =
      isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Callee) ? 1 : 0;
  for (unsigned I = First; I < Call->getNumArgs(); ++I)
    if (Args.size() < Def->getNumParams())
      Args.push_back(Call->getArg(I));
  if (Args.size() != Def->getNumParams())
    return false;
  std::string Sig;
  for (const Expr *A : Args) {
    Expr::EvalResult R;
    if (!A->isValueDependent() && A->EvaluateAsInt(R, Ctx))
      Sig += llvm::toString(R.Val.getInt(), 10);
    Sig += ',';
  }
  auto Key = std::make_pair(Def, Sig);
  auto It = NoReturn.find(Key);
  if (It != NoReturn.end())
    return It->second;
  NoReturn[Key] = false; // recursion: assume it returns
  CFG::BuildOptions BO;
  BO.AddImplicitDtors = true;
  BO.AddTemporaryDtors = true;
  std::unique_ptr<CFG> Cfg =
      CFG::buildCFG(Def, Def->getBody(), &Ctx, BO);
  if (!Cfg)
    return false;
  // Search for a path to the exit; a call that never returns ends a path,
  // and a branch the arguments decide follows one edge.
  bool ParamsChange = !Sig.empty() && changesParams(Def);
  std::vector<char> Seen(Cfg->getNumBlockIDs(), 0);
  std::vector<const CFGBlock *> Work{&Cfg->getEntry()};
  Seen[Cfg->getEntry().getBlockID()] = 1;
  bool Returns = false;
  while (!Work.empty() && !Returns) {
    const CFGBlock *B = Work.back();
    Work.pop_back();
    if (B == &Cfg->getExit()) {
      Returns = true;
      break;
    }
    if (B->hasNoReturnElement())
      continue;
    bool Ends = false;
    for (const CFGElement &El : *B)
      if (auto CS = El.getAs<CFGStmt>())
        if (const auto *C = dyn_cast<CallExpr>(CS->getStmt()))
          if (C != Call && neverReturns(C)) {
            Ends = true;
            break;
          }
    if (Ends)
      continue;
    const CFGBlock *Only = nullptr;
    if (const auto *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition()))
      if (B->succ_size() >= 2 && !Cond->isValueDependent() && !ParamsChange) {
        APValue V;
        if (Cond->EvaluateWithSubstitution(V, Ctx, Def, Args))
          Only = constantSuccessor(*B, V, Ctx);
      }
    for (const CFGBlock::AdjacentBlock &S : B->succs()) {
      const CFGBlock *SB = S.getReachableBlock();
      if (!SB || (Only && SB != Only) || Seen[SB->getBlockID()])
        continue;
      Seen[SB->getBlockID()] = 1;
      Work.push_back(SB);
    }
  }
  NoReturn[Key] = !Returns;
  return !Returns;
}

static void dedupe(std::vector<LockEffect> &V) {
  llvm::StringSet<> Seen;
  V.erase(std::remove_if(V.begin(), V.end(),
                         [&](const LockEffect &E) {
                           return !Seen.insert(E.Path.key()).second;
                         }),
          V.end());
}

namespace {
/// The functions whose summaries the analysis of one body asks for: direct
/// callees, constructors, and the destructors of its local objects (lambda
/// bodies are functions of their own, as in PrePass).
class CalleeCollector : public RecursiveASTVisitor<CalleeCollector> {
public:
  explicit CalleeCollector(const TUAnalysis &TU) : TU(TU) {}
  // Arguments before the call, as the CFG evaluates them: a recursion cycle
  // is then cut where the analysis itself would reach it first.
  bool shouldTraversePostOrder() const { return true; }
  bool VisitCallExpr(CallExpr *CE) {
    add(CE->getDirectCallee());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    add(CE->getConstructor());
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasLocalStorage())
      if (const CXXRecordDecl *RD = VD->getType()->getAsCXXRecordDecl())
        if (RD->hasDefinition())
          add(RD->getDestructor());
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  std::vector<const FunctionDecl *> Callees;

private:
  void add(const FunctionDecl *F) {
    const FunctionDecl *Def = nullptr;
    if (F && F->hasBody(Def) && TU.isAnalyzable(Def) && Seen.insert(Def).second)
      Callees.push_back(Def);
  }
  const TUAnalysis &TU;
  llvm::DenseSet<const FunctionDecl *> Seen;
};
} // namespace

const FunctionSummary &TUAnalysis::analyze(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || !isAnalyzable(Def))
    return emptySummary();
  auto It = Summaries.find(Def);
  if (It != Summaries.end())
    return *It->second;
  if (InProgress.count(Def))
    return emptySummary(); // recursion: cut the cycle here
  analyzeCalleesFirst(Def);
  return *Summaries[Def];
}

void TUAnalysis::analyzeCalleesFirst(const FunctionDecl *Root) {
  // A depth-first walk of the call graph with an explicit stack: a call
  // chain thousands of functions deep (generated code, template recursion)
  // must not become as deep a native recursion. A function is analysed once
  // every callee is summarised or on the stack; the latter is a recursion
  // cycle, cut as before by an empty summary (InProgress).
  struct Frame {
    const FunctionDecl *FD;
    std::vector<const FunctionDecl *> Callees;
    size_t Next = 0;
  };
  std::vector<Frame> Stack;
  auto Push = [&](const FunctionDecl *D) {
    InProgress[D] = true;
    CalleeCollector C(*this);
    C.TraverseStmt(D->getBody());
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(D))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Init->getInit())
          C.TraverseStmt(Init->getInit());
    Stack.push_back({D, std::move(C.Callees), 0});
  };
  Push(Root);
  while (!Stack.empty()) {
    Frame &Top = Stack.back();
    if (Top.Next < Top.Callees.size()) {
      const FunctionDecl *C = Top.Callees[Top.Next++];
      if (!Summaries.count(C) && !InProgress.count(C))
        Push(C);
      continue;
    }
    const FunctionDecl *D = Top.FD;
    Stack.pop_back();
    auto S = std::make_unique<FunctionSummary>();
    FunctionAnalyzer(*this, D, *S).run();
    dedupe(S->Acquires);
    dedupe(S->TryAcquires);
    dedupe(S->Releases);
    dedupe(S->Takes);
    S->Coroutine = isCoroutine(D);
    S->Wrapper = !S->Coroutine &&
                 (!S->Acquires.empty() || !S->TryAcquires.empty());
    InProgress.erase(D);
    Summaries[D] = std::move(S);
  }
}

bool TUAnalysis::isUnchangedFunctionPointer(const VarDecl *VD) const {
  return PointersKnown && !ChangedPointers.count(VD->getCanonicalDecl());
}

void TUAnalysis::noteCaller(const FunctionDecl *Callee) {
  Callers[Callee->getCanonicalDecl()] = true;
}

void TUAnalysis::noteUnproven(const FunctionDecl *FD, const LockPath &P,
                              const NotReleasedEvent &Leak) {
  UnprovenEffects.push_back({FD->getCanonicalDecl(), P, Leak, std::nullopt});
}

void TUAnalysis::noteUnproven(const FunctionDecl *FD, const LockPath &P,
                              const UnlockNotHeldEvent &Unlock) {
  UnprovenEffects.push_back({FD->getCanonicalDecl(), P, std::nullopt, Unlock});
}

/// A function that returns holding a lock is taken for a lock wrapper only
/// with evidence; without a caller in the unit, the evidence left is a
/// counterpart: another function that releases the same lock (the same
/// member of the same class, or the same global) for its caller, or, for an
/// unlock, one that acquires it.
void TUAnalysis::noteGaveUp(const FunctionDecl *FD) {
  if (std::find(GaveUp.begin(), GaveUp.end(), FD) == GaveUp.end())
    GaveUp.push_back(FD);
}

void TUAnalysis::reportUnproven() {
  llvm::StringSet<> Acquired, Released;
  for (const auto &KV : Summaries) {
    for (const LockEffect &A : KV.second->Acquires)
      Acquired.insert(A.Path.orderKey());
    for (const LockEffect &A : KV.second->TryAcquires)
      Acquired.insert(A.Path.orderKey());
    for (const LockEffect &R : KV.second->Releases)
      Released.insert(R.Path.orderKey());
  }
  for (const Unproven &U : UnprovenEffects) {
    if (Callers.count(U.FD))
      continue;
    std::string Key = U.Path.orderKey();
    if (Key.empty() || (U.Leak ? Released : Acquired).count(Key))
      continue;
    if (U.Leak)
      Handler.handleNotReleased(*U.Leak);
    else
      Handler.handleUnlockNotHeld(*U.Unlock);
  }
}

namespace {
class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  FunctionCollector(TUAnalysis &TU,
                    llvm::DenseMap<const VarDecl *, bool> &ChangedPointers)
      : TU(TU), ChangedPointers(ChangedPointers) {}
  // A function pointer that is assigned or whose address escapes may hold
  // any function: calls through it are not followed.
  bool VisitBinaryOperator(BinaryOperator *B) {
    if (B->isAssignmentOp())
      notePointer(B->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *U) {
    if (U->getOpcode() == UO_AddrOf)
      notePointer(U->getSubExpr());
    return true;
  }
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && TU.isAnalyzable(FD))
      Functions.push_back(FD);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    if (CXXMethodDecl *Op = LE->getCallOperator())
      if (TU.isAnalyzable(Op))
        Functions.push_back(Op);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *F = CE->getDirectCallee())
      if (F->getIdentifier() && F->getName() == "pthread_mutexattr_settype")
        TU.PthreadMayBeRecursive = true;
    return true;
  }
  std::vector<const FunctionDecl *> Functions;

private:
  TUAnalysis &TU;
  llvm::DenseMap<const VarDecl *, bool> &ChangedPointers;
  void notePointer(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        ChangedPointers[VD->getCanonicalDecl()] = true;
  }
};
} // namespace

void TUAnalysis::analyzeAll() {
  FunctionCollector C(*this, ChangedPointers);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  PointersKnown = true;
  for (const FunctionDecl *FD : C.Functions)
    analyze(FD);
  // Every summary is final now: the edges move out instead of being copied.
  llvm::DenseSet<const FunctionDecl *> Done;
  std::vector<OrderEdge> Edges;
  for (const FunctionDecl *FD : C.Functions) {
    const FunctionDecl *Def = nullptr;
    FD->hasBody(Def);
    auto It = Summaries.find(Def);
    if (It == Summaries.end() || !Done.insert(Def).second)
      continue;
    std::vector<OrderEdge> &Own = It->second->Edges;
    Own.erase(std::remove_if(Own.begin(), Own.end(),
                             [](const OrderEdge &E) {
                               std::string From = E.From.orderKey(),
                                           To = E.To.orderKey();
                               return From.empty() || To.empty() || From == To;
                             }),
              Own.end());
    if (Edges.empty())
      Edges.swap(Own); // the common case: one function holds most edges
    else
      std::move(Own.begin(), Own.end(), std::back_inserter(Edges));
    Own.clear();
  }
  reportUnproven();
  Handler.handleLockOrder(Edges, Ctx);
}

} // namespace lockstep
