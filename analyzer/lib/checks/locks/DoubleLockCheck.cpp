//===- DoubleLockCheck.cpp - lock-double-lock -----------------------------===//
#include "DoubleLockCheck.h"

namespace lockstep {

void DoubleLockCheck::handleDoubleLock(const DoubleLockEvent &E) {
  std::string L = "'" + E.Lock + "'";
  std::string Msg;
  if (E.ViaGuard)
    Msg = "'" + E.GuardName + "' already owns mutex " + L +
          "; locking it again through the guard deadlocks or throws";
  else if (!E.Callee.empty())
    Msg = "calling '" + E.Callee + "' acquires mutex " + L +
          ", which is already held here; a non-recursive mutex deadlocks";
  else if (E.Maybe)
    Msg = "mutex " + L +
          " is acquired again while it may already be held on some path";
  else
    Msg = "mutex " + L +
          " is acquired while already held; a non-recursive mutex deadlocks";
  Finding F = diag(E.Loc, Msg);
  note(F, E.FirstLoc, "mutex " + L + " first acquired here");
  if (E.InnerLoc.isValid())
    note(F, E.InnerLoc,
         "mutex " + L + " acquired again here inside '" + E.Callee + "'");
  emit(std::move(F));
}

} // namespace lockstep
