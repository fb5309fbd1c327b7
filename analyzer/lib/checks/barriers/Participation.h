//===- Participation.h - Who uses a local latch or barrier, how often -*- C++ -*-===//
//
// The counting both barrier-family checks share: every use of a latch or
// barrier local to one function, each with how many times it certainly runs
// and on which thread. A use runs a known number of times when the only
// things between it and the object's scope are constant-count `for` loops,
// thread bodies (lambdas given to a std::thread / std::jthread constructor or
// to emplace_back/push_back of a container of threads) launched a known
// number of times, and nothing that can skip it (a branch, an early return,
// a break, a goto). Anything else makes the answer "unknown", and the checks
// then stay silent: a missed bug is better than a false report.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_BARRIERS_PARTICIPATION_H
#define LOCKSTEP_CHECKS_BARRIERS_PARTICIPATION_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class LambdaExpr;
class QualType;
class Stmt;
class VarDecl;
} // namespace clang

namespace lockstep {
namespace barriers {

/// A statement and its ancestors up to a function body, outermost first.
using Chain = llvm::SmallVector<const clang::Stmt *, 32>;

/// Collects the chain of ancestors of every reference to \p VD under \p S
/// (into \p Refs) and of its declaration (into \p DeclChain).
void findRefs(const clang::Stmt *S, const clang::VarDecl *VD, Chain &Stack,
              std::vector<Chain> &Refs, Chain &DeclChain);

/// One use of the object: a member call (`done.count_down(2)`) or a C call
/// given its address (`pthread_barrier_wait(&b)`).
struct Use {
  const clang::CallExpr *Call = nullptr;
  llvm::StringRef Name; ///< the method or function called
  /// The innermost thread body the use runs in, or null for the thread
  /// that owns the object.
  const clang::LambdaExpr *Thread = nullptr;
  /// How many times the thread body is launched (1 for the owner).
  std::uint64_t Launches = 1;
  /// How many times the use runs per run of its thread body, counting
  /// constant-count loops only (unset when a loop of unknown count encloses
  /// it inside its thread body; the barrier check allows that).
  std::optional<std::uint64_t> PerThread;
  /// A loop of any kind encloses the use inside its thread body.
  bool InLoop = false;
  /// Where the thread body is launched (null for the owner).
  const clang::Expr *Launch = nullptr;
  /// The thread body is launched by another thread body, not by the owner.
  bool NestedLaunch = false;
  /// The launch sits directly in the object's block, or in constant `for`
  /// loops directly in it (LaunchLoops), with nothing else around it.
  bool LaunchPlain = false;
  llvm::SmallVector<const clang::Stmt *, 2> LaunchLoops;
  /// The variable that keeps the launched thread: a named std::thread /
  /// std::jthread, or the container it is emplaced into.
  const clang::VarDecl *Holder = nullptr;
};

/// Every use of \p VD, a local variable, or nothing when one of them is not
/// understood: the object is passed to a function, its address is stored,
/// a use may be skipped or runs an unknown number of times, a thread body
/// is not launched by a known std::thread / std::jthread construction.
/// Loops of unknown count around a use inside its own thread body are
/// accepted when \p LoopsInThreadOk (barrier phases); the use's PerThread is
/// then unset.
std::optional<std::vector<Use>> collectUses(const clang::VarDecl *VD,
                                            clang::ASTContext &Ctx,
                                            bool LoopsInThreadOk);

/// The value of \p E if it is an integer constant expression.
std::optional<std::int64_t> constantInt(const clang::Expr *E,
                                        const clang::ASTContext &Ctx);

/// std::thread or std::jthread (or a reference to one).
bool isThreadType(clang::QualType T);

/// A standard container of threads (std::vector<std::thread>, ...).
bool isThreadContainer(clang::QualType T);

/// Whether launches of the thread bodies in \p Uses are all concurrent: each
/// launched directly in the owner's scope (or a constant loop there),
/// launched into a container declared outside those loops, and no thread
/// joined between the first launch and the last.
bool launchesConcurrent(const std::vector<Use> &Uses, const clang::VarDecl *VD,
                        clang::ASTContext &Ctx);

} // namespace barriers
} // namespace lockstep

#endif // LOCKSTEP_CHECKS_BARRIERS_PARTICIPATION_H
