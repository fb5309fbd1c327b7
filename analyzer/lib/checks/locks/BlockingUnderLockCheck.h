//===- BlockingUnderLockCheck.h - lock-blocking-under-lock: a blocking call made while a mutex is held ---*- C++ -*-===//
//
// A flow check: the lock-set dataflow finds the event, this class words the
// finding. See analyzer/docs/checks/lock-blocking-under-lock.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_BLOCKINGUNDERLOCKCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_BLOCKINGUNDERLOCKCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class BlockingUnderLockCheck : public Check {
public:
  using Check::Check;
  void handleBlockingUnderLock(const BlockingEvent &E) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_BLOCKINGUNDERLOCKCHECK_H
