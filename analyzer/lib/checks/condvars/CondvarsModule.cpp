//===- CondvarsModule.cpp - Registers the condition-variable checks -------===//
#include "CvWaitWithoutPredicateCheck.h"

namespace lockstep {

void registerCondvarsChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<CvWaitWithoutPredicateCheck>(
      "cv-wait-without-predicate",
      "Condition variable wait without a predicate, outside a loop that "
      "re-checks the awaited condition");
}

} // namespace lockstep
