//===- CoroutinesModule.cpp - Registers the checks of the coroutines family -===//
#include "LockAcrossSuspendCheck.h"
#include "ReferenceParamCheck.h"

namespace lockstep {

void registerCoroutinesChecks(CheckFactories &F) {
  // Sorted by ID.
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
