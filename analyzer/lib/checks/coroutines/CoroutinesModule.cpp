//===- CoroutinesModule.cpp - Registers the checks of the coroutines family -===//
#include "LockAcrossSuspendCheck.h"

namespace lockstep {

void registerCoroutinesChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<LockAcrossSuspendCheck>(
      "coro-lock-across-suspend",
      "A mutex held across a co_await or co_yield that suspends the "
      "coroutine");
}

} // namespace lockstep
