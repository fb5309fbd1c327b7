//===- SemaphoresModule.cpp - Registers the checks of the semaphores family -===//
#include "ReleaseExceedsMaxCheck.h"

namespace lockstep {

void registerSemaphoresChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<ReleaseExceedsMaxCheck>(
      "sem-release-exceeds-max",
      "A semaphore released above its maximum: release(n) with constant n > "
      "LeastMaxValue, or a binary semaphore released twice with no acquire "
      "between");
}

} // namespace lockstep
