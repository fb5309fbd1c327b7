//===- CoroutineModel.h - Which coroutine expressions suspend ---*- C++ -*-===//
//
// The coroutine half of the model layer: whether a function is a coroutine,
// whether a `co_await`/`co_yield` can suspend, whether a coroutine's body
// starts running at its call (an eager task) or only when first resumed,
// and what becomes of the task a call returns within the full-expression
// that made it. It knows nothing about control flow; the flow analyses ask
// it at each suspension expression of the CFG.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_COROUTINEMODEL_H
#define LOCKSTEP_ANALYZER_COROUTINEMODEL_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class CoroutineSuspendExpr;
class CXXMethodDecl;
class Expr;
class FunctionDecl;
class NamedDecl;
class QualType;
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

/// For a function whose definition is not visible: whether the task type it
/// returns is lazy, so that if it is a coroutine its body runs only after
/// the call has returned. True when the return type's `promise_type` has an
/// `initial_suspend()` whose awaiter's `await_ready()` is defined as
/// `return <constant false>;` (std::suspend_always); false when any of
/// these is not visible (a coroutine_traits specialization is not looked at).
bool returnsLazyTask(const clang::FunctionDecl *FD,
                     const clang::ASTContext &Ctx);

/// What a parameter of type \p T refers to when it lives in the caller: a
/// reference ("reference", "rvalue reference") or a view of the standard
/// library ("string_view", "span"); null for anything else (pointers are
/// not judged).
const char *callerReferenceKind(clang::QualType T);

/// Whether \p FD takes a callable that returns a task and keeps the callable
/// alive until that task has finished: asio's co_spawn (it moves the
/// function object into the frame of the coroutine that awaits it) and
/// folly's co_invoke (made for capturing lambda coroutines).
bool keepsCallableAlive(const clang::FunctionDecl *FD);

/// What becomes of the task that an expression (a call to a coroutine)
/// yields, within the full-expression that made it: walked up through the
/// parent map, across conversions, temporaries, constructors of objects
/// that hold the task, and calls whose result still holds it.
struct TaskFate {
  enum Kind {
    Awaited,     ///< co_await'ed in the same full-expression (directly, or
                 ///< through a combinator call whose result is awaited)
    Completed,   ///< given to a function that runs it to completion before
                 ///< returning (sync_wait, blockingWait, blocking_wait)
    Yielded,     ///< co_yield'ed to a generator's consumer (not judged)
    UsedInPlace, ///< a member of the temporary task is called (start(),
                 ///< get()) and the task itself dies with the full-expression
    Discarded,   ///< dropped at the end of the full-expression
    Stored,      ///< initialises or is assigned to an object (Target: the
                 ///< variable or member, when there is one)
    Returned,    ///< returned from the enclosing function
    PassedOn,    ///< given to a function that may keep it (Target)
  };
  Kind K = Discarded;
  /// The node that decided: the co_await, the declaration, the return, the
  /// call the task was passed to.
  const clang::Stmt *Site = nullptr;
  const clang::NamedDecl *Target = nullptr;
  clang::SourceLocation Loc;
};
TaskFate fateOfTask(const clang::Expr *Task, clang::ASTContext &Ctx);

/// Whether a coroutine whose task met \p F can still run after the end of
/// the full-expression that created it: stored, returned or passed on; or
/// dropped (or used in place) while the task type \p TaskType cannot destroy
/// the coroutine frame (it has a trivial destructor: a fire-and-forget
/// type). A task with a non-trivial destructor is taken to own its frame.
bool outlivesFullExpression(const TaskFate &F, clang::QualType TaskType);

/// The words for a note at TaskFate::Loc about \p Subject ("the task", "the
/// closure"): "the task is stored in 't' here", "... is returned here",
/// "... is passed to 'push_back' here", "... is dropped here, and its type
/// cannot destroy the coroutine".
std::string describeFate(const TaskFate &F,
                         const std::string &Subject = "the task");

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_COROUTINEMODEL_H
