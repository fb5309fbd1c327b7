//===- LockAcrossSuspendCheck.cpp - coro-lock-across-suspend --------------===//
#include "LockAcrossSuspendCheck.h"

namespace lockstep {

void LockAcrossSuspendCheck::handleSuspendUnderLock(const SuspendEvent &E) {
  const char *Kw = E.Yield ? "co_yield" : "co_await";
  std::string Names;
  for (size_t I = 0; I < E.Locks.size(); ++I) {
    if (I)
      Names += I + 1 == E.Locks.size() ? " and " : ", ";
    Names += "'" + E.Locks[I].Lock + "'";
  }
  bool One = E.Locks.size() == 1;
  std::string Msg = std::string(One ? "mutex " : "mutexes ") + Names +
                    (One ? " is" : " are") + " held across this " + Kw +
                    "; the suspended coroutine keeps " + (One ? "it" : "them") +
                    " locked and may resume on another thread, which does "
                    "not own " +
                    (One ? "it" : "them");
  Finding F = diag(E.Loc, Msg);
  for (const SuspendEvent::Held &H : E.Locks) {
    std::string N = std::string(H.Shared ? "shared lock on mutex '"
                                         : "mutex '") +
                    H.Lock + "' acquired here";
    if (!H.GuardName.empty())
      N += "; guard '" + H.GuardName + "' releases it only at the end of its "
           "scope";
    note(F, H.AcquiredAt, N);
  }
  emit(std::move(F));
}

} // namespace lockstep
