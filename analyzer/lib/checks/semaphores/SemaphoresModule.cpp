//===- SemaphoresModule.cpp - Registers the checks of the semaphores family -===//
#include "ReleaseExceedsMaxCheck.h"
#include "SemNotReleasedCheck.h"

namespace lockstep {

void registerSemaphoresChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<SemNotReleasedCheck>(
      "sem-not-released",
      "A semaphore used as a scoped permit (acquired and released in one "
      "function) still taken when the function exits on another path (early "
      "returns, exceptions)");
  F.registerCheck<ReleaseExceedsMaxCheck>(
      "sem-release-exceeds-max",
      "A semaphore released above its maximum: release(n) with constant n > "
      "LeastMaxValue, or a binary semaphore released twice with no acquire "
      "between");
}

} // namespace lockstep
