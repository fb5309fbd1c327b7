// A lock described to the race detector by annotations only: a spin flag with AnnotateRWLock*, whose
// acquisition is annotated after it succeeds and whose release before it happens (the annotations'
// contract). For the annotated-lock programs of this folder.
#pragma once

#include <atomic>
#include <thread>

extern "C" {
void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
}

class annotated_spin_lock {
public:
  annotated_spin_lock() { AnnotateRWLockCreate(__FILE__, __LINE__, this); }
  annotated_spin_lock(const annotated_spin_lock &) = delete;
  annotated_spin_lock &operator=(const annotated_spin_lock &) = delete;
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    AnnotateRWLockAcquired(__FILE__, __LINE__, this, 1);
  }
  // A broken try-lock: takes the lock whatever the flag says (the bug of a lock that does not exclude).
  void lock_without_looking() {
    held_.store(true, std::memory_order_relaxed);
    AnnotateRWLockAcquired(__FILE__, __LINE__, this, 1);
  }
  void unlock() {
    AnnotateRWLockReleased(__FILE__, __LINE__, this, 1);
    held_.store(false, std::memory_order_release);
  }
  // What a library's atfork child handler does: the holder is not in the child.
  void reset_after_fork() { held_.store(false, std::memory_order_relaxed); }

private:
  std::atomic<bool> held_{false};
};
