// An annotated lock (annotated_spin_lock.hpp) held by another thread when main forks: in the
// child that thread does not exist, and the child resets the lock by hand before it takes it (as
// libraries do in an atfork handler). Not a lock held by two threads: silent, in the child too. (The
// lock taken while its holder is alive is annotated_lock_held_by_two_threads_double_lock.)
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "annotated_spin_lock.hpp"

int main() {
  annotated_spin_lock lock;
  std::atomic<bool> holding{false}, forked{false};
  std::thread holder([&] {
    lock.lock();
    holding.store(true, std::memory_order_release);
    while (!forked.load(std::memory_order_acquire)) std::this_thread::yield();
    lock.unlock();
  });
  while (!holding.load(std::memory_order_acquire)) std::this_thread::yield();
  const pid_t child = fork();
  if (child == 0) {
    lock.reset_after_fork();  // its holder is not in this process
    lock.lock();
    lock.unlock();
    _exit(0);
  }
  forked.store(true, std::memory_order_release);
  holder.join();
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return 2;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
