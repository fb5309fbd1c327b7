//===- DoubleLockCheck.h - lock-double-lock: a non-recursive mutex acquired while it is already held ---*- C++ -*-===//
//
// A flow check: the lock-set dataflow finds the event, this class words the
// finding. See analyzer/docs/checks/lock-double-lock.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_DOUBLELOCKCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_DOUBLELOCKCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class DoubleLockCheck : public Check {
public:
  using Check::Check;
  void handleDoubleLock(const DoubleLockEvent &E) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_DOUBLELOCKCHECK_H
