//===- LocksModule.cpp - Registers the checks of the locks family ---------===//
#include "BlockingUnderLockCheck.h"
#include "DoubleLockCheck.h"
#include "NotReleasedCheck.h"
#include "OrderInversionCheck.h"
#include "UnlockNotHeldCheck.h"
#include "UnnamedGuardCheck.h"

namespace lockstep {

void registerLocksChecks(CheckFactories &F) {
  // Sorted by ID.
  F.registerCheck<BlockingUnderLockCheck>(
      "lock-blocking-under-lock",
      "Blocking call (sleep, join, blocking I/O, waits on other primitives) "
      "made while a mutex is held");
  F.registerCheck<DoubleLockCheck>(
      "lock-double-lock",
      "Non-recursive mutex acquired while it is already held, directly or "
      "through a called function");
  F.registerCheck<NotReleasedCheck>(
      "lock-not-released",
      "Mutex acquired in a function and still held when the function "
      "returns or throws on some path",
      {"AllCallsMayThrow"});
  F.registerCheck<OrderInversionCheck>(
      "lock-order-inversion",
      "Two mutexes acquired in opposite orders in different places "
      "(potential deadlock)");
  F.registerCheck<UnlockNotHeldCheck>(
      "lock-unlock-not-held",
      "Mutex released when it is not held, including a double unlock");
  F.registerCheck<UnnamedGuardCheck>(
      "lock-unnamed-guard",
      "Lock guard that is a temporary or declares a new variable, so it "
      "does not protect the code after it");
}

} // namespace lockstep
