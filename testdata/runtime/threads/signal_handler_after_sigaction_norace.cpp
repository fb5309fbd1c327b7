// Clean, annotated (no compiler instrumentation): a SIGUSR1 handler reads a value the main thread wrote
// before installing it, on a thread started before the value was written. Installing a handler
// happens before every run of it, also in a program that is not instrumented. Installed with
// SA_RESETHAND: after its run the program finds SIG_DFL installed, as without the runtime.
#include <lockstep/lockstep.hpp>

#include <signal.h>

#include <memory>

#include "signal_waiter.hpp"

namespace {
long setting = 0;
long seen = 0;

void on_usr1(int) {
  LOCKSTEP_READ(setting);
  LOCKSTEP_WRITE(seen);
  seen = setting;
}
}  // namespace

int main() {
  auto waiter = std::make_unique<signal_waiter>(SIGUSR1, 1);
  LOCKSTEP_WRITE(setting);
  setting = 42;
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 2;
  waiter->send();
  waiter.reset();
  LOCKSTEP_READ(seen);
  struct sigaction now {};
  if (sigaction(SIGUSR1, nullptr, &now) != 0 || now.sa_handler != SIG_DFL) return 1;  // reset by the run
  return seen == 42 ? 0 : 1;
}
