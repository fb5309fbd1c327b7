//===- BlockingUnderLockCheck.cpp - lock-blocking-under-lock --------------===//
#include "BlockingUnderLockCheck.h"

namespace lockstep {

void BlockingUnderLockCheck::handleBlockingUnderLock(const BlockingEvent &E) {
  std::string L = "'" + E.Lock + "'";
  std::string Msg;
  if (!E.Callee.empty())
    Msg = "calling '" + E.Callee + "' blocks ('" + E.What +
          "') while mutex " + L + " is held";
  else if (E.CvWait)
    Msg = "waiting on a condition variable ('" + E.What +
          "') while holding mutex " + L + ", which the wait does not release";
  else
    Msg = "blocking call '" + E.What + "' while holding mutex " + L;
  Finding F = diag(E.Loc, Msg);
  note(F, E.HeldAt, "mutex " + L + " acquired here");
  if (E.InnerLoc.isValid())
    note(F, E.InnerLoc, "'" + E.What + "' blocks here inside '" + E.Callee + "'");
  emit(std::move(F));
}

} // namespace lockstep
