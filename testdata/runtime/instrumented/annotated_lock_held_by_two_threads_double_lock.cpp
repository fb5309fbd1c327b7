// A lock described by annotations (a spin flag with AnnotateRWLock*), broken: its try-lock forgets to
// check the flag, so the worker takes it while main holds it, and the annotations say both hold it
// exclusively. Reported as a double lock (the lock does not exclude), with the first holder; the
// program goes on. The same lock used correctly, handed from thread to thread, stays silent (the
// second half: its annotations are right, and the holders alternate).
// expect-reports: 1
// expect-stderr: while another thread holds it exclusively
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
  void broken_lock() {  // the bug: takes the lock whatever the flag says
    held_.store(true, std::memory_order_relaxed);
    AnnotateRWLockAcquired(__FILE__, __LINE__, this, 1);
  }
  void unlock() {
    AnnotateRWLockReleased(__FILE__, __LINE__, this, 1);
    held_.store(false, std::memory_order_release);
  }

private:
  std::atomic<bool> held_{false};
};

}  // namespace

int main() {
  spin_flag_lock broken;
  broken.lock();
  std::thread intruder([&] {
    broken.broken_lock();  // double lock: main holds it
    broken.unlock();
  });
  intruder.join();

  spin_flag_lock fine;
  int counter = 0;
  std::thread a([&] {
    for (int i = 0; i < 1000; ++i) {
      fine.lock();
      ++counter;
      fine.unlock();
    }
  });
  for (int i = 0; i < 1000; ++i) {
    fine.lock();
    ++counter;
    fine.unlock();
  }
  a.join();
  return counter == 2000 ? 0 : 1;
}
