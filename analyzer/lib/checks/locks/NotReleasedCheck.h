//===- NotReleasedCheck.h - lock-not-released: a mutex still held when its function returns or throws ---*- C++ -*-===//
//
// A flow check: the lock-set dataflow finds the event, this class words the
// finding. See analyzer/docs/checks/lock-not-released.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_NOTRELEASEDCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_NOTRELEASEDCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class NotReleasedCheck : public Check {
public:
  using Check::Check;
  void handleNotReleased(const NotReleasedEvent &E) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_NOTRELEASEDCHECK_H
