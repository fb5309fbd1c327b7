//===- SuspensionFlow.h - Uses a coroutine makes after it may have suspended -*- C++ -*-===//
//
// The "suspended yet" domain of the flow engine, over the written body of a
// coroutine: whether some path from the start of the body to a point passes
// a suspension (a co_await or co_yield that can suspend, CoroutineModel.h).
// A lazy coroutine (its initial suspend can suspend) starts suspended: its
// body runs only after the call that created it has returned. The checks
// that judge what a suspended coroutine may no longer touch (the caller's
// objects behind reference parameters, a lambda's captures, a temporary
// bound at the call site) ask it for the uses of those things at suspended
// points.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_SUSPENSIONFLOW_H
#define LOCKSTEP_ANALYZER_SUSPENSIONFLOW_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace clang {
class ASTContext;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace lockstep {

/// The latest suspension on a path that has passed one: Initial for the
/// coroutine's initial suspend (Where is then the function's name), else
/// the co_await or co_yield keyword.
struct SuspendedAt {
  bool Initial = false;
  clang::SourceLocation Where;
};

/// A use of a tracked thing at a point some path reaches after a suspension.
struct SuspendedUse {
  const clang::Stmt *Use = nullptr;
  SuspendedAt At;
};

/// What a check tracks: the key of the thing \p S uses (a parameter, a
/// captured variable ...), or null when \p S uses nothing tracked.
using UseKeyFn = llvm::function_ref<const void *(const clang::Stmt *S)>;

struct UsesAfterSuspension {
  /// The flow engine gave up on the body: no use is known (Check::gaveUp).
  bool GaveUp = false;
  /// For each key, its first use in the file among those at suspended points.
  llvm::DenseMap<const void *, SuspendedUse> First;
};

/// Runs the "suspended yet" domain over the body of the coroutine \p FD
/// (nothing when \p FD is not a coroutine definition) and collects, for each
/// key \p KeyOf gives, the first use at a point where the coroutine may have
/// suspended. Join rule: suspended if either path is (a may-analysis: a use
/// that some path reaches after a suspension may find its object gone); of
/// two suspension points the one later in the file is kept, so that the note
/// does not depend on the visiting order.
UsesAfterSuspension usesAfterSuspension(const clang::FunctionDecl *FD,
                                        clang::ASTContext &Ctx,
                                        UseKeyFn KeyOf);

/// The note that explains a SuspendedAt: "the coroutine may suspend here",
/// or why a lazy coroutine's body runs after its call has returned.
const char *suspensionNote(const SuspendedAt &At);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_SUSPENSIONFLOW_H
