//===- LockDataflow.h - Lock-set dataflow and function summaries -*- C++ -*-===//
//
// Runs the flow-sensitive lock-set analysis over each function's CFG (with
// implicit and temporary destructors, so guards release at scope exit) and
// computes function summaries bottom-up over the calls of the translation
// unit, so that a call to `void Lock() { mu_.lock(); }` acquires `mu_` at the
// call site. Problems found on the way are reported through LockHandler, one
// virtual per kind of finding; the analysis itself never prints.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_LOCKDATAFLOW_H
#define LOCKSTEP_ANALYZER_LOCKDATAFLOW_H

#include "lockstep/analyzer/LockModel.h"
#include "lockstep/analyzer/LockPath.h"
#include "lockstep/analyzer/LockSet.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace lockstep {

/// A lock a function acquires, releases or takes; Loc is the innermost
/// place it happens (inside the deepest callee).
struct LockEffect {
  LockPath Path;
  bool Shared = false;
  clang::SourceLocation Loc;
  SuccessTest Success{false, 0}; ///< For try-acquire wrappers.
  /// Acquires: the function returns the lock call's error code (or a test
  /// of it); a caller's branch on the result passing Success takes it.
  bool ByResult = false;
  /// For try-acquire wrappers returning a pointer: the lock lives in the
  /// object the function returns (`n->mu` of `return n;`, `ptr->mu` of
  /// `return ptr;` for a member `ptr`). The first ResultSteps steps of Path
  /// lead from its root to the returned pointer; in the caller, the variable
  /// initialised by the call replaces root and those steps.
  bool FromResult = false;
  unsigned ResultSteps = 0;
};

/// A blocking operation inside a function.
struct BlockingEffect {
  std::string What;
  clang::SourceLocation Loc;
  /// For condition-variable waits: the lock waited with (not blocking
  /// with respect to that lock).
  std::optional<LockPath> CvLock;
};

/// One lock of a held set, and the part of the set acquired before it: a
/// persistent list, newest first. The held sets of nested acquisitions share
/// their tails, so N nested locks cost N nodes rather than N*N/2 copies.
struct HeldLock {
  LockPath Path;
  clang::SourceLocation AcquiredAt;
  /// The locks held below this one; mutable only so that the destructor can
  /// unlink a long list without recursing once per node.
  mutable std::shared_ptr<const HeldLock> Next;
  unsigned Depth = 1; ///< nodes from this one to the end of the list
  // The fields below are set on the analysed function's own lists only
  // (not on lists mapped into a caller).
  std::string Key;      ///< Path.key()
  bool Ordered = false; ///< Path has an orderKey(): its edges are kept
  /// Every ordered lock below this one reaches it through order edges the
  /// function recorded, so a later acquisition needs an edge from this lock
  /// only (see FunctionAnalyzer::recordOrder).
  bool ReachedFromBelow = false;
  HeldLock() = default;
  HeldLock(const HeldLock &) = delete;
  HeldLock &operator=(const HeldLock &) = delete;
  ~HeldLock();
};
using HeldList = std::shared_ptr<const HeldLock>;

/// "To was acquired while From was held": one edge of the lock-order graph.
///
/// A function holding more than FunctionAnalyzer's direct-edge limit of
/// locks at once records edges lockdep-style: from the most recently
/// acquired held lock only, when the others already reach it through edges
/// recorded in the function. The graph then keeps the same reachability
/// (and so the same cycles) with one edge per acquisition instead of one per
/// held lock; the lock-order check composes such chains back into the
/// direct edge they stand for when it reports.
struct OrderEdge {
  LockPath From, To;
  clang::SourceLocation FromLoc; ///< where From was acquired
  clang::SourceLocation ToLoc;   ///< where To was acquired (or the call)
  clang::SourceLocation InnerLoc; ///< To's acquisition inside the callee
  std::string Callee;             ///< callee through which To was taken
  const clang::FunctionDecl *Function = nullptr;
  /// Recorded by the chained rule: the edges from the other held locks were
  /// left out, as they reach From.
  bool Chained = false;
  /// Some lock held then was acquired together with To (std::lock): the
  /// held set is not all ordered before To.
  bool WithUnordered = false;
  /// The locks held when the edge was recorded, as lists shared with every
  /// other edge recorded at the same point and with the nested
  /// acquisitions. The first group is the held set in Function when To was
  /// acquired (null when nothing else was held); a call adds the caller's
  /// held set as one more group.
  llvm::SmallVector<HeldList, 2> GateGroups;
  /// Calls \p F on each other lock held at the time (not From or To): a lock
  /// common to both edges of an inversion is a gate that prevents the
  /// deadlock.
  template <typename Fn> void forEachGate(Fn F) const {
    for (const HeldList &Group : GateGroups)
      for (const HeldLock *G = Group.get(); G; G = G->Next.get())
        if (G->Path != From && G->Path != To)
          F(G->Path);
  }
};

/// What callers need to know about a function.
struct FunctionSummary {
  /// Held at every normal exit (a Lock() wrapper): calls acquire them.
  std::vector<LockEffect> Acquires;
  /// `bool TryLock()` wrappers: acquired when the result passes Success.
  std::vector<LockEffect> TryAcquires;
  /// Released without being acquired (an Unlock() wrapper).
  std::vector<LockEffect> Releases;
  /// Every lock acquired inside (and maybe released again): deadlocks if the
  /// caller already holds it.
  std::vector<LockEffect> Takes;
  std::vector<BlockingEffect> Blocks;
  std::vector<OrderEdge> Edges;
  /// What the function does to guard objects the caller passes by
  /// reference (`void Unlock(std::unique_lock<std::mutex> &lk)`): the
  /// parameter index and the last operation on it.
  enum class GuardEffect { Unlocks, Locks, Releases };
  std::vector<std::pair<unsigned, GuardEffect>> GuardParams;
  /// The locks owned by the guard it returns on every path
  /// (`std::unique_lock<std::mutex> Lock() { ... return lk; }`): a call
  /// constructs a guard that owns them.
  std::vector<LockEffect> ReturnedGuard;
  /// Some call that is not noexcept may let an exception out.
  bool MayThrow = false;
  /// An exception can visibly leave it: a `throw` outside a `try`, or a call
  /// that throws on ordinary inputs (knownThrower) or has Throws itself.
  bool Throws = false;
  bool Wrapper = false; ///< Acquires or TryAcquires is non-empty
  /// The function is a coroutine: a call only creates its frame, and the
  /// body runs when the frame is resumed. The effects above are its body's
  /// (they still vouch for counterparts, and its Edges still join the
  /// translation unit's lock-order graph), but none of them is applied at a
  /// call site, and Wrapper is false.
  bool Coroutine = false;
};

struct DoubleLockEvent {
  std::string Lock;
  clang::SourceLocation Loc, FirstLoc;
  clang::SourceLocation InnerLoc; ///< via a callee: its acquisition
  std::string Callee;
  bool Maybe = false;   ///< held on some paths only
  bool ViaGuard = false; ///< lk.lock() on a guard that already owns
  std::string GuardName;
};

struct UnlockNotHeldEvent {
  std::string Lock;
  clang::SourceLocation Loc;
  clang::SourceLocation ReleasedAt; ///< the earlier release, if any
  /// Set when the mutex is held on some paths only: where it was acquired.
  clang::SourceLocation MaybeHeldAt;
  clang::SourceLocation InnerLoc;
  std::string Callee;
  std::string GuardName;  ///< set when a guard does the release
  bool GuardDoesNotOwn = false; ///< lk.unlock() on a guard owning nothing
  bool MaybeOwns = false; ///< ... or owning only on some paths (a try)
  bool AtScopeEnd = false;      ///< the guard's destructor
};

struct NotReleasedEvent {
  std::string Lock;
  clang::SourceLocation AcquiredAt;
  clang::SourceLocation ExitLoc;
  bool ByException = false;
  std::string Thrower; ///< the call that may throw
  /// The throw is visible (FunctionSummary::Throws), not only assumed of a
  /// call that is not noexcept.
  bool ThrowVisible = false;
};

struct BlockingEvent {
  std::string What;
  clang::SourceLocation Loc;
  std::string Lock;
  clang::SourceLocation HeldAt;
  clang::SourceLocation InnerLoc; ///< via a callee: the blocking call inside
  std::string Callee;
  bool CvWait = false;
};

/// A coroutine suspends (a co_await or co_yield that can, see
/// CoroutineModel.h) while locks its body took are held on every path to it.
struct SuspendEvent {
  clang::SourceLocation Loc; ///< the co_await / co_yield keyword
  bool Yield = false;        ///< co_yield rather than co_await
  struct Held {
    std::string Lock;
    clang::SourceLocation AcquiredAt;
    std::string GuardName; ///< the guard that owns it, "" if held by hand
    bool Shared = false;
  };
  std::vector<Held> Locks; ///< in the order they were taken
};

/// Receives the findings of the flow analysis. Checks override the kinds
/// they report; the default implementations ignore the event.
class LockHandler {
public:
  virtual ~LockHandler();
  virtual void handleDoubleLock(const DoubleLockEvent &) {}
  virtual void handleUnlockNotHeld(const UnlockNotHeldEvent &) {}
  virtual void handleNotReleased(const NotReleasedEvent &) {}
  virtual void handleBlockingUnderLock(const BlockingEvent &) {}
  virtual void handleSuspendUnderLock(const SuspendEvent &) {}
  /// Called once per translation unit with every lock-order edge between
  /// locks that have an identity across functions (LockPath::orderKey).
  virtual void handleLockOrder(const std::vector<OrderEdge> &,
                               clang::ASTContext &) {}
};

/// Analyses the functions of one translation unit.
class TUAnalysis {
public:
  TUAnalysis(clang::ASTContext &Ctx, const LockModel &Model,
             LockHandler &Handler);
  ~TUAnalysis();
  /// Analyses \p FD (and, first, the functions it calls) once; reports its
  /// findings. Later calls return the stored summary.
  const FunctionSummary &analyze(const clang::FunctionDecl *FD);
  /// Analyses every function definition of the translation unit outside
  /// system headers, then reports the lock-order edges.
  void analyzeAll();
  /// Whether \p FD's body is analysed (defined here, not a system header,
  /// not a dependent template).
  bool isAnalyzable(const clang::FunctionDecl *FD) const;
  /// Whether \p Call never returns although its callee is not marked
  /// noreturn: the callee is defined here and no path of its body reaches
  /// its end, with branches on parameters decided by the call's constant
  /// arguments (`Log(kFatal, ...)` when Log aborts for kFatal).
  bool neverReturns(const clang::CallExpr *Call);
  /// How to name what \p E (a call, a construction, a new expression)
  /// throws if an exception visibly comes out of it ("std::vector::at",
  /// "the new expression"), else "": the rule of
  /// lock-not-released's exception paths (lock-not-released.md), shared so
  /// that every check agrees on which calls can be seen to throw: an
  /// operation in knownThrower()'s table, or a call to a function of the
  /// translation unit whose summary Throws. Calls that are merely not
  /// noexcept are not included. Call after analyzeAll().
  std::string visibleThrower(const clang::Expr *E);
  /// The parameter \p FD hands back unchanged on every return
  /// (`int Check(const char *what, int result) { ...; return result; }`),
  /// or -1: its result is that argument's value.
  int passThroughParam(const clang::FunctionDecl *FD);
  clang::ASTContext &context() const { return Ctx; }
  const LockModel &model() const { return Model; }
  LockHandler &handler() const { return Handler; }
  /// Set when the translation unit makes pthread mutexes recursive somewhere
  /// (pthread_mutexattr_settype): re-locking one is then not reported.
  bool PthreadMayBeRecursive = false;

  /// Whether \p VD, a function pointer that is not a local, is never
  /// assigned nor has its address taken in the translation unit (known
  /// only once analyzeAll() has looked at the whole unit).
  bool isUnchangedFunctionPointer(const clang::VarDecl *VD) const;
  /// Wrapper evidence: \p Callee's summary was applied at a call in another
  /// function, which now answers for the locks it leaves or releases.
  void noteCaller(const clang::FunctionDecl *Callee);
  /// A lock \p FD leaves held (or releases) for its caller while nothing
  /// but its body says it is a wrapper; analyzeAll() reports it unless a
  /// caller in the unit, or a function doing the opposite to the same lock,
  /// vouches for it.
  void noteUnproven(const clang::FunctionDecl *FD, const LockPath &P,
                    const NotReleasedEvent &Leak);
  void noteUnproven(const clang::FunctionDecl *FD, const LockPath &P,
                    const UnlockNotHeldEvent &Unlock);
  /// The flow engine gave up on \p FD (its lock sets still changed after
  /// the round cap): its findings are dropped, and the driver names it.
  void noteGaveUp(const clang::FunctionDecl *FD);
  /// The functions noteGaveUp() was told about, in the order it was told.
  const std::vector<const clang::FunctionDecl *> &gaveUp() const {
    return GaveUp;
  }

private:
  std::vector<const clang::FunctionDecl *> GaveUp;
  /// Summarises \p Root after every function it (transitively) calls.
  void analyzeCalleesFirst(const clang::FunctionDecl *Root);
  struct Unproven {
    const clang::FunctionDecl *FD;
    LockPath Path;
    std::optional<NotReleasedEvent> Leak;
    std::optional<UnlockNotHeldEvent> Unlock;
  };
  std::vector<Unproven> UnprovenEffects;
  llvm::DenseMap<const clang::FunctionDecl *, bool> Callers;
  llvm::DenseMap<const clang::VarDecl *, bool> ChangedPointers;
  bool PointersKnown = false;
  void reportUnproven();

  clang::ASTContext &Ctx;
  const LockModel &Model;
  LockHandler &Handler;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<FunctionSummary>>
      Summaries;
  llvm::DenseMap<const clang::FunctionDecl *, bool> InProgress;
  /// neverReturns() by callee and the values of its constant arguments.
  std::map<std::pair<const clang::FunctionDecl *, std::string>, bool>
      NoReturn;
  llvm::DenseMap<const clang::FunctionDecl *, int> PassThrough;
};

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_LOCKDATAFLOW_H
