//===- CoroutinesModule.cpp - Registers the checks of the coroutines family -===//
#include "CapturingLambdaCheck.h"
#include "DanglingTemporaryCheck.h"
#include "LockAcrossSuspendCheck.h"
#include "ReferenceParamCheck.h"

namespace lockstep {

void registerCoroutinesChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<CapturingLambdaCheck>(
      "coro-capturing-lambda",
      "A capture of a lambda coroutine used after the coroutine may have "
      "suspended, while the closure that holds it may be gone");
  F.registerCheck<DanglingTemporaryCheck>(
      "coro-dangling-temporary",
      "A temporary bound to a coroutine's reference parameter while the task "
      "outlives the full-expression");
  F.registerCheck<LockAcrossSuspendCheck>(
      "coro-lock-across-suspend",
      "A mutex held across a co_await or co_yield that suspends the "
      "coroutine");
  F.registerCheck<ReferenceParamCheck>(
      "coro-reference-param",
      "A coroutine parameter referring to the caller's object used after the "
      "coroutine may have suspended");
}

} // namespace lockstep
