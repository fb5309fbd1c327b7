// The look-alike of signal_handler_after_sigaction_norace.cpp that is wrong: the value is written
// after the handler was installed, and pthread_kill orders nothing.
// expect-stack: 0 on_usr1
// expect-stack: 1 main
#include <lockstep/lockstep.hpp>

#include <signal.h>

#include <memory>

#include "signal_waiter.hpp"

namespace {
long setting = 0;

void on_usr1(int) { LOCKSTEP_READ(setting); }
}  // namespace

int main() {
  if (signal(SIGUSR1, on_usr1) == SIG_ERR) return 2;
  auto waiter = std::make_unique<signal_waiter>(SIGUSR1, 1);
  LOCKSTEP_WRITE(setting);
  setting = 42;
  waiter->send();
  waiter.reset();
  return 0;
}
