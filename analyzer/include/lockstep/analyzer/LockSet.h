//===- LockSet.h - The lock-set facts at one program point ------*- C++ -*-===//
//
// The dataflow state: which locks are held (and how), which guard objects are
// alive and whether they own their mutexes, which locks are known to have
// been released, and what earlier branches told us. A LockSet is a plain
// value: transfer functions copy and modify, the fixpoint compares, and
// join() merges the states flowing into a CFG block. It holds a handful of
// entries, so copying small vectors is cheaper than sharing trees.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_LOCKSET_H
#define LOCKSTEP_ANALYZER_LOCKSET_H

#include "lockstep/analyzer/LockModel.h"
#include "lockstep/analyzer/LockPath.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace lockstep {

/// "The value of the expression Key passes Test": a fact about a branch
/// condition (assumed on one edge) or the condition under which a lock is
/// held (a try-lock's result, or a branch we merged over).
struct BranchCond {
  std::string Key; ///< Canonical text of the condition's operand.
  SuccessTest Test;
  friend bool operator==(const BranchCond &A, const BranchCond &B) {
    return A.Key == B.Key && A.Test.Equal == B.Test.Equal &&
           A.Test.Value == B.Test.Value;
  }
  friend bool operator!=(const BranchCond &A, const BranchCond &B) {
    return !(A == B);
  }
};

/// Whether knowing \p Known about a value decides \p Want: 1 true, 0 false,
/// -1 unknown.
int decide(const SuccessTest &Want, const SuccessTest &Known);

/// One held lock.
struct LockFact {
  std::string Key; ///< LockPath::key() of Path
  LockPath Path;
  clang::SourceLocation AcquiredAt;
  bool Shared = false;
  /// Held on some paths into this point but not all. Join rule: a lock held
  /// on only one side of a merge stays as a Maybe fact, because the checks
  /// need "held on some path" (a leak on an early return, a double lock on
  /// one branch); it does not become "not held" as in a must-analysis.
  bool Maybe = false;
  /// For Maybe facts: held exactly when this condition is true, so a later
  /// branch on the same condition (`if (c) m.lock(); ... if (c) m.unlock();`)
  /// can decide it instead of reporting an infeasible path. On a fact that
  /// is not Maybe: the lock call's result, which tells whether it took the
  /// lock (`if (pthread_mutex_lock(&m)) return;`); held until a branch
  /// shows it failed. Join rule: kept only when both sides have the same.
  std::optional<BranchCond> Cond;
  /// The guard object (VarDecl or temporary) that will release it, or null
  /// when it is held directly and must be released by an explicit call.
  const void *Guard = nullptr;
  unsigned Count = 1; ///< Re-acquisitions of a recursive mutex.
  bool FromTry = false;  ///< Acquired by a try-lock (maybe-held by nature).
  bool Detached = false; ///< Given up by a guard's release(): nobody owns it.
  /// Held by the caller when the function was entered (required by an
  /// annotation, asserted, adopted, or released before being acquired).
  bool FromCaller = false;
};

/// One live guard object (unique_lock lk, lock_guard g, ...).
struct GuardFact {
  enum class Owns : unsigned char { No, Yes, Maybe };
  const void *Id = nullptr; ///< VarDecl or temporary CXXConstructExpr
  std::string Name;
  llvm::SmallVector<LockPath, 1> Locks;
  Owns Owning = Owns::No;
  bool Shared = false;
};

/// A lock released in this function after being acquired here, so a second
/// release is certainly wrong.
struct ReleasedFact {
  std::string Key;
  clang::SourceLocation At;
};

class LockSet {
public:
  llvm::SmallVector<LockFact, 4> Facts;
  llvm::SmallVector<GuardFact, 2> Guards;
  /// Join rule: intersection. A lock counts as "known released" only if it
  /// was released on every path, so a double unlock is reported only when
  /// certain.
  llvm::SmallVector<ReleasedFact, 2> Released;
  /// Locks this function released without acquiring them first (the
  /// caller's). Join rule: union; re-acquiring them later is not a new
  /// acquisition in the function's summary.
  llvm::SmallVector<std::string, 2> EntryReleased;
  /// Conditions known on every path to here. Join rule: intersection.
  llvm::SmallVector<BranchCond, 4> Assumed;

  const LockFact *find(llvm::StringRef Key) const;
  LockFact *find(llvm::StringRef Key);
  void erase(llvm::StringRef Key);
  const GuardFact *guard(const void *Id) const;
  GuardFact *guard(const void *Id);
  /// Drops the facts held through guard \p Id without a release: used when
  /// the guard only maybe owned them, so no release can be reported.
  void dropGuardFacts(const void *Id);
  /// The guard gave up its locks (`release()`): they stay held, owned by no
  /// guard, so nothing unlocks them at scope exit.
  void detachGuardFacts(const void *Id);
  bool isReleased(llvm::StringRef Key) const;
  bool isEntryReleased(llvm::StringRef Key) const;
  /// Whether the conditions known here prove \p C.
  bool knows(const BranchCond &C) const;
  /// Records that the condition \p C holds, and decides facts held under
  /// the same condition.
  void assume(const BranchCond &C);
  /// Forgets everything conditioned on an expression mentioning \p Name
  /// (the variable was assigned).
  void invalidate(llvm::StringRef Name);

  /// Merges two states reaching the same point (rules on each member).
  static LockSet join(const LockSet &A, const LockSet &B);
  friend bool operator==(const LockSet &A, const LockSet &B);
};

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_LOCKSET_H
