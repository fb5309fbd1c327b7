//===- LockAcrossSuspendCheck.h - coro-lock-across-suspend ------*- C++ -*-===//
//
// A flow check: a mutex the coroutine's body took is held on every path to a
// co_await or co_yield that can suspend. The lock-set dataflow finds the
// event at the moment the coroutine gives control away (between the
// awaiter's await_suspend and await_resume); this class words the finding.
// See analyzer/docs/checks/coro-lock-across-suspend.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_COROUTINES_LOCKACROSSSUSPENDCHECK_H
#define LOCKSTEP_CHECKS_COROUTINES_LOCKACROSSSUSPENDCHECK_H

#include "lockstep/analyzer/Check.h"

namespace lockstep {

class LockAcrossSuspendCheck : public Check {
public:
  using Check::Check;
  void handleSuspendUnderLock(const SuspendEvent &E) override;
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_COROUTINES_LOCKACROSSSUSPENDCHECK_H
