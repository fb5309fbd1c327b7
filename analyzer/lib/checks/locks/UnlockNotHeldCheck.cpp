//===- UnlockNotHeldCheck.cpp - lock-unlock-not-held ----------------------===//
#include "UnlockNotHeldCheck.h"

namespace lockstep {

void UnlockNotHeldCheck::handleUnlockNotHeld(const UnlockNotHeldEvent &E) {
  std::string L = "'" + E.Lock + "'";
  std::string Msg;
  if (E.GuardDoesNotOwn && E.Lock.empty())
    Msg = "'" + E.GuardName +
          "' owns no mutex (it was moved from, released or never given one) "
          "when it is unlocked; std::system_error at run time";
  else if (E.GuardDoesNotOwn)
    Msg = "'" + E.GuardName + "' " +
          (E.MaybeOwns ? "may not own" : "does not own") + " mutex " + L +
          " when it is unlocked; std::system_error at run time";
  else if (E.AtScopeEnd)
    Msg = "guard '" + E.GuardName + "' releases mutex " + L +
          " at the end of its scope, but the mutex " +
          (E.MaybeHeldAt.isValid() ? "may already be" : "was already") +
          " released";
  else if (!E.Callee.empty())
    Msg = "calling '" + E.Callee + "' releases mutex " + L + ", which " +
          (E.MaybeHeldAt.isValid() ? "is not held here on some path"
                                   : "is not held here");
  else if (E.MaybeHeldAt.isValid())
    Msg = "mutex " + L + " is released on a path where it is not held";
  else if (E.ReleasedAt.isValid())
    Msg = "mutex " + L + " is released twice; it is not held here";
  else
    Msg = "mutex " + L + " is released but not held";
  Finding F = diag(E.Loc, Msg);
  note(F, E.MaybeHeldAt, "mutex " + L + " acquired here, on some paths only");
  note(F, E.ReleasedAt, "mutex " + L + " already released here");
  if (E.InnerLoc.isValid())
    note(F, E.InnerLoc,
         "mutex " + L + " released here inside '" + E.Callee + "'");
  emit(std::move(F));
}

} // namespace lockstep
