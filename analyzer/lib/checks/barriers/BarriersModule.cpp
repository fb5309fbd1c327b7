//===- BarriersModule.cpp - Registers the checks of the barriers family ---===//
#include "ConditionalArrivalCheck.h"
#include "CountMismatchCheck.h"
#include "ParticipantMismatchCheck.h"

namespace lockstep {

void registerBarriersChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<ConditionalArrivalCheck>(
      "barrier-conditional-arrival",
      "An arrive_and_wait, arrive, count_down or pthread_barrier_wait that "
      "only some of the threads reach, under a condition on a per-thread "
      "value, while the barrier or latch counts them all");
  F.registerCheck<ParticipantMismatchCheck>(
      "barrier-participant-mismatch",
      "A barrier constructed for N participants while a statically known, "
      "different number of threads arrive on it");
  F.registerCheck<CountMismatchCheck>(
      "latch-count-mismatch",
      "A std::latch whose statically known count-downs cannot sum to its "
      "initial count (waiters never wake, or undefined behaviour)");
}

} // namespace lockstep
