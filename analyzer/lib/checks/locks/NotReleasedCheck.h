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
  NotReleasedCheck(llvm::StringRef Id, CheckContext &Ctx)
      : Check(Id, Ctx),
        AllCallsMayThrow(
            Ctx.config().option(Id.str() + ".AllCallsMayThrow", false)) {}
  void handleNotReleased(const NotReleasedEvent &E) override;

private:
  /// Report exception paths through every call that is not noexcept, not
  /// only where a throw is visible (off by default: most such calls never
  /// throw, and the findings were mostly false).
  const bool AllCallsMayThrow;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_NOTRELEASEDCHECK_H
