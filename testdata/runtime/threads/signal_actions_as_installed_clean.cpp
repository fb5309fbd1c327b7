// Clean: the runtime puts a wrapper of its own between the kernel and every handler installed with
// sigaction or signal, and the program must not notice. Each check exits with its own status:
// the old action names the program's handler and flags (3, 4), signal() returns the previous handler
// (5), SA_SIGINFO handlers get their siginfo and context (6), plain handlers run (7), SA_RESETHAND
// puts SIG_DFL back after one run (8), SIG_IGN ignores (9), an action saved and restored from the old
// action runs the saved handler again (10), and the handler sees errno as the interrupted code left
// it (11). Also run, single-threaded, with deliveries on the only thread there is.
#include <errno.h>
#include <signal.h>

namespace {
volatile sig_atomic_t info_runs = 0, plain_runs = 0, other_runs = 0;
volatile sig_atomic_t errno_seen = 0;
volatile sig_atomic_t info_ok = 0;

void with_info(int sig, siginfo_t *info, void *context) {
  info_ok = sig == SIGUSR1 && info && info->si_signo == SIGUSR1 && info->si_code == SI_TKILL && context;
  info_runs = info_runs + 1;
}
void plain(int) {
  errno_seen = errno;
  plain_runs = plain_runs + 1;
}
void other(int) { other_runs = other_runs + 1; }

bool same_mask(const sigset_t &a, const sigset_t &b) {
  for (int s = 1; s < NSIG; ++s)
    if (sigismember(&a, s) != sigismember(&b, s)) return false;
  return true;
}
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_sigaction = with_info;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 2;
  struct sigaction now {};
  if (sigaction(SIGUSR1, nullptr, &now) != 0 || now.sa_sigaction != with_info) return 3;
  if (!(now.sa_flags & SA_SIGINFO) || !(now.sa_flags & SA_RESTART) || !same_mask(now.sa_mask, sa.sa_mask)) return 4;

  if (signal(SIGUSR2, plain) != SIG_DFL || signal(SIGUSR2, other) != plain || signal(SIGUSR2, plain) != other) return 5;
  struct sigaction plain_now {};
  if (sigaction(SIGUSR2, nullptr, &plain_now) != 0 || plain_now.sa_handler != plain || (plain_now.sa_flags & SA_SIGINFO))
    return 5;

  raise(SIGUSR1);
  if (info_runs != 1 || !info_ok) return 6;
  raise(SIGUSR2);
  if (plain_runs != 1) return 7;

  struct sigaction once {};
  once.sa_handler = plain;
  once.sa_flags = SA_RESETHAND;
  sigemptyset(&once.sa_mask);
  struct sigaction saved {};
  if (sigaction(SIGUSR2, &once, &saved) != 0 || saved.sa_handler != plain) return 8;
  raise(SIGUSR2);
  struct sigaction after_once {};
  if (plain_runs != 2 || sigaction(SIGUSR2, nullptr, &after_once) != 0 || after_once.sa_handler != SIG_DFL) return 8;

  if (signal(SIGUSR2, SIG_IGN) != SIG_DFL) return 9;
  raise(SIGUSR2);
  if (plain_runs != 2 || signal(SIGUSR2, SIG_DFL) != SIG_IGN) return 9;

  // Save and restore: the saved action (the program's, not the wrapper) runs again once restored.
  if (sigaction(SIGUSR2, &saved, nullptr) != 0) return 10;
  errno = ERANGE;
  raise(SIGUSR2);
  if (plain_runs != 3) return 10;
  if (errno_seen != ERANGE) return 11;
  return 0;
}
