//===- UnlockNotHeldCheck.h - lock-unlock-not-held: a mutex released when it is not held ---*- C++ -*-===//
//
// A flow check: the lock-set dataflow finds the event, this class words the
// finding. See analyzer/docs/checks/lock-unlock-not-held.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_UNLOCKNOTHELDCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_UNLOCKNOTHELDCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class UnlockNotHeldCheck : public Check {
public:
  using Check::Check;
  void handleUnlockNotHeld(const UnlockNotHeldEvent &E) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_UNLOCKNOTHELDCHECK_H
