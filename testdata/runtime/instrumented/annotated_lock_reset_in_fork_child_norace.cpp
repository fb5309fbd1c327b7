// An annotated lock (a spin flag with AnnotateRWLock*) held by another thread when main forks: in the
// child that thread does not exist, and the child resets the lock by hand before it takes it (as
// libraries do in an atfork handler). Not a lock held by two threads: silent, in the child too. (The
// lock taken while its holder is alive is annotated_lock_held_by_two_threads_double_lock.)
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

extern "C" {
void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
}

namespace {

class spin_flag_lock {
public:
  spin_flag_lock() { AnnotateRWLockCreate(__FILE__, __LINE__, this); }
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    AnnotateRWLockAcquired(__FILE__, __LINE__, this, 1);
  }
  void unlock() {
    AnnotateRWLockReleased(__FILE__, __LINE__, this, 1);
    held_.store(false, std::memory_order_release);
  }
  void reset_after_fork() { held_.store(false, std::memory_order_relaxed); }

private:
  std::atomic<bool> held_{false};
};

}  // namespace

int main() {
  spin_flag_lock lock;
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
