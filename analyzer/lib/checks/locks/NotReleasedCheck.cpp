//===- NotReleasedCheck.cpp - lock-not-released ---------------------------===//
#include "NotReleasedCheck.h"

namespace lockstep {

void NotReleasedCheck::handleNotReleased(const NotReleasedEvent &E) {
  std::string L = "'" + E.Lock + "'";
  if (E.ByException) {
    if (!E.ThrowVisible && !AllCallsMayThrow)
      return;
    // A callee is quoted ('push_back'); a constructor is described.
    std::string T = llvm::StringRef(E.Thrower).startswith("the ")
                        ? E.Thrower
                        : "'" + E.Thrower + "'";
    Finding F = diag(E.AcquiredAt,
                     "mutex " + L + " stays locked if " + T +
                         " throws; use a lock guard so that it is released "
                         "on every path");
    note(F, E.ExitLoc, T + " may throw here while " + L + " is held");
    emit(std::move(F));
    return;
  }
  Finding F = diag(E.AcquiredAt, "mutex " + L +
                                     " is acquired here but not released on "
                                     "every path out of the function");
  note(F, E.ExitLoc, "the function exits here with " + L + " held");
  emit(std::move(F));
}

} // namespace lockstep
