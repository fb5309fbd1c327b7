// Clean: fork() in a program whose other threads keep the runtime busy. Two background threads
// lock mutexes, create and destroy mutexes, start and join short threads and make annotated
// accesses without pause, while main forks 150 children one after the other. Each child (single-
// threaded at first) locks mutexes, starts a thread that writes a result under a mutex, joins it,
// reads the result and exits normally. Nothing may be reported in parent or child, and no child
// may hang on runtime state that a parent thread held at the moment of the fork: a child that
// does not finish within 5 s is killed and the program fails (exit 3).
#include <lockstep/lockstep.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

namespace {
constexpr int children = 150;

std::atomic<bool> stop{false};
std::mutex shared_mutex;
long shared_total = 0;  // guarded by shared_mutex (parent)

std::mutex child_mutex;
long child_result = 0;  // child only: written by the child's thread, read by the child after join

// Background churn: every kind of runtime state keeps changing while main forks.
void churn(int id) {
  long round = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    {
      std::lock_guard<std::mutex> lock(shared_mutex);
      LOCKSTEP_WRITE(shared_total);
      ++shared_total;
    }
    auto fresh = std::make_unique<std::mutex>();  // a new address: new runtime records
    {
      std::lock_guard<std::mutex> lock(*fresh);
      auto value = std::make_unique<long>(round);
      LOCKSTEP_WRITE(*value);  // a new shadow cell
      LOCKSTEP_FORGET(value.get(), sizeof(long));
    }
    pthread_mutex_t pm;
    pthread_mutex_init(&pm, nullptr);
    pthread_mutex_lock(&pm);
    pthread_mutex_unlock(&pm);
    pthread_mutex_destroy(&pm);
    if (++round % 16 == id) {
      std::thread([] {
        std::lock_guard<std::mutex> lock(shared_mutex);
        LOCKSTEP_WRITE(shared_total);
        ++shared_total;
      }).join();
    }
  }
}

// Everything a child does; its exit status says whether it went right.
[[noreturn]] void child_main(int n) {
  // A hung child must never outlive the test: it dies with its parent, and after 10 s anyway.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  alarm(10);
  {
    std::lock_guard<std::mutex> lock(child_mutex);
    LOCKSTEP_WRITE(child_result);
    child_result = 0;
  }
  std::thread worker([n] {
    std::mutex local;
    std::lock_guard<std::mutex> a(local);
    std::lock_guard<std::mutex> b(child_mutex);
    LOCKSTEP_WRITE(child_result);
    child_result = n + 1;
  });
  worker.join();
  LOCKSTEP_READ(child_result);  // ordered by the join
  std::exit(child_result == n + 1 ? 0 : 1);
}

// Waits for the child up to 5 s; -1 when it hung (it is killed then).
int wait_child(pid_t pid) {
  for (int waited_ms = 0; waited_ms < 5000; ++waited_ms) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return -2;
    timespec ms{0, 1000000};
    nanosleep(&ms, nullptr);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}
}  // namespace

int main() {
  std::vector<std::thread> background;
  for (int id = 0; id < 2; ++id) background.emplace_back(churn, id);
  int failure = 0;
  for (int n = 0; n < children && !failure; ++n) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      failure = 2;
      break;
    }
    if (pid == 0) child_main(n);
    const int status = wait_child(pid);
    if (status == -1) {
      std::fprintf(stderr, "fork_children_clean: child %d hung (killed after 5 s)\n", n);
      failure = 3;
    } else if (status == -2 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "fork_children_clean: child %d ended badly (wait status %d)\n", n, status);
      failure = 3;
    }
  }
  stop.store(true);
  for (auto &t : background) t.join();
  LOCKSTEP_READ(shared_total);
  return failure;
}
