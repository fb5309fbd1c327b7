// Clean: a process-shared condition variable in shared memory, notified by a forked child process
// after a sleep. The parent's only thread waits on it: no thread of this process could notify, but
// another process can, and the runtime cannot see other processes, so a process-shared wait is never
// taken for a deadlock.
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// lockstep-options: deadlock_check_ms=10

namespace {
struct shared_state {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int ready;
};
}  // namespace

int main() {
  void *mem = mmap(nullptr, sizeof(shared_state), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  auto *s = static_cast<shared_state *>(mem);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->mu, &ma);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
  pthread_cond_init(&s->cv, &ca);
  s->ready = 0;
  const pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    timespec ts{1, 0};  // 100 check intervals
    nanosleep(&ts, nullptr);
    pthread_mutex_lock(&s->mu);
    s->ready = 1;
    pthread_mutex_unlock(&s->mu);
    pthread_cond_signal(&s->cv);
    _exit(0);
  }
  pthread_mutex_lock(&s->mu);
  while (!s->ready) pthread_cond_wait(&s->cv, &s->mu);
  pthread_mutex_unlock(&s->mu);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
