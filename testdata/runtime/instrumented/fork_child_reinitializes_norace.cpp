// Unannotated code, built with lockstep_instrument: a process with a pool thread forks, and the child
// re-initializes what the pool used, as libuv's child does with its thread pool. The pool thread wrote
// a counter and waits on a condition variable when main forks; in the child only main exists, and it
// re-initializes the condition variable and rewrites the counter. Must stay silent: what a thread that
// vanished in the fork did cannot race with what the child does next. (The child reports, if at all,
// to the same stderr as its parent.)
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace {
pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
bool stop = false;
long pool_counter = 0;
std::atomic<bool> pool_ready{false};  // relaxed: orders nothing
}  // namespace

int main() {
  std::thread pool([] {
    pool_counter = 1;
    pthread_mutex_lock(&pool_mutex);
    pool_ready.store(true, std::memory_order_relaxed);
    while (!stop) pthread_cond_wait(&pool_cond, &pool_mutex);
    pthread_mutex_unlock(&pool_mutex);
  });
  while (!pool_ready.load(std::memory_order_relaxed)) std::this_thread::yield();
  const pid_t child = fork();
  if (child == 0) {
    pthread_cond_init(&pool_cond, nullptr);  // the pool thread waited on it
    pool_counter = 2;                         // the pool thread wrote it
    _exit(pool_counter == 2 ? 0 : 1);
  }
  int status = 0;
  const bool child_ok = child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
                        WEXITSTATUS(status) == 0;
  pthread_mutex_lock(&pool_mutex);
  stop = true;
  pthread_cond_signal(&pool_cond);
  pthread_mutex_unlock(&pool_mutex);
  pool.join();
  return child_ok ? 0 : 1;
}
