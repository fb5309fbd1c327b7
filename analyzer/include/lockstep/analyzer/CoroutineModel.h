//===- CoroutineModel.h - Which coroutine expressions suspend ---*- C++ -*-===//
//
// The coroutine half of the model layer: whether a function is a coroutine,
// whether a `co_await`/`co_yield` can suspend, and whether a coroutine's body
// starts running at its call (an eager task) or only when first resumed. It
// knows nothing about control flow; the flow analyses ask it at each
// suspension expression of the CFG.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_COROUTINEMODEL_H
#define LOCKSTEP_ANALYZER_COROUTINEMODEL_H

#include "llvm/ADT/DenseMap.h"

namespace clang {
class ASTContext;
class CoroutineSuspendExpr;
class CXXMethodDecl;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace lockstep {

/// Whether \p FD's definition is a coroutine (its body uses co_await,
/// co_yield or co_return). A call to it creates the coroutine frame; the
/// body runs when the frame is resumed, not at the call.
bool isCoroutine(const clang::FunctionDecl *FD);

/// Whether \p E (a co_await, a co_yield, or an initial/final suspend) can
/// suspend the coroutine. It cannot when its awaiter provably never does:
/// `await_ready()` is defined as `return <constant true>;` (std::suspend_never,
/// a ready-value awaiter, constexpr or not), or `await_suspend()` returns
/// bool and is defined as `return <constant false>;`. Anything not visible
/// (a declaration without a body, a computed result) may suspend.
bool maySuspend(const clang::CoroutineSuspendExpr *E,
                const clang::ASTContext &Ctx);

/// The awaiter's await_suspend() that \p E calls (whatever form it
/// returns: void, bool, or a handle resumed by symmetric transfer); null if
/// there is none to see.
const clang::CXXMethodDecl *
awaitSuspendMethod(const clang::CoroutineSuspendExpr *E);

/// The co_await or co_yield expression \p S is, looking through the
/// implicit nodes that wrap it in a statement position (ExprWithCleanups,
/// casts); null if it is none.
const clang::CoroutineSuspendExpr *asSuspendExpr(const clang::Stmt *S);

/// The suspensions of a coroutine's written body, keyed by the nodes where
/// the coroutine is suspended: each co_await or co_yield itself and every
/// node of its await_resume() call. The CFG lists a suspension's awaiter
/// calls in evaluation order (await_ready, await_suspend, await_resume, then
/// the co_await itself), so the coroutine is suspended just before the first
/// of these nodes: after whatever await_suspend did (an awaiter may unlock
/// there), before anything after the resumption.
using SuspensionMap =
    llvm::DenseMap<const clang::Stmt *, const clang::CoroutineSuspendExpr *>;

/// The suspensions of \p Body; those of lambdas inside it belong to the
/// lambdas.
SuspensionMap suspensionsOf(const clang::Stmt *Body);

/// Whether the coroutine \p FD runs its body at the call up to its first
/// real suspension: the awaiter of its promise's `initial_suspend()` never
/// suspends (maySuspend is false). False for a lazy coroutine
/// (`std::suspend_always`), and when \p FD is not a coroutine.
bool startsEagerly(const clang::FunctionDecl *FD,
                   const clang::ASTContext &Ctx);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_COROUTINEMODEL_H
