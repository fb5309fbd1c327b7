// The look-alike of signal_handler_after_sigaction_norace.cpp that is wrong: the main thread writes
// `greeting` after installing the handler, and pthread_kill orders nothing, so the handler's read on
// the other thread races with the write.
// expect-stack: 0 on_usr1
// expect-stack: 1 main
#include <signal.h>

#include <memory>

#include "../threads/signal_waiter.hpp"

namespace {
char greeting[8];
int greeting_seen = 0;

void on_usr1(int) { greeting_seen = greeting[0]; }
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 2;
  auto waiter = std::make_unique<signal_waiter>(SIGUSR1, 1);
  for (int i = 0; i < 7; ++i) greeting[i] = "signal"[i];  // after the installation
  waiter->send();
  waiter.reset();
  return greeting_seen == 's' ? 0 : 1;
}
