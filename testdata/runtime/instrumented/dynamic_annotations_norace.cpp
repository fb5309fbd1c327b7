// Unannotated by lockstep, but carrying the dynamic annotations a library built for ThreadSanitizer
// calls (declared here as such a library declares them): synchronization the instrumentation cannot
// see, described by them, and races the program accepts. None is reported.
//  - a hand-off through a pipe (a system call orders it), with AnnotateHappensBefore/After;
//  - a lock built on a pipe token, described by the __tsan_mutex_* annotations;
//  - a statistics counter whose races are declared benign (AnnotateBenignRaceSized);
//  - a debug write inside AnnotateIgnoreWritesBegin/End;
//  - static locks: a creation annotated while the lock is held, destroy annotations that do not count
//    (AnnotateRWLockCreateStatic, __tsan_mutex_linker_init), as ThreadSanitizer takes them.
#include <unistd.h>

#include <cstddef>
#include <thread>

#include "pipe_lock.hpp"

extern "C" {
void AnnotateHappensBefore(const char *file, int line, const volatile void *addr);
void AnnotateHappensAfter(const char *file, int line, const volatile void *addr);
void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, std::size_t size,
                             const char *description);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
void AnnotateRWLockCreateStatic(const char *file, int line, const volatile void *lock);
void AnnotateRWLockDestroy(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
}

namespace {

int handed = 0;
long guarded = 0;
long hits = 0;  // statistics: approximate by design
int debug_last_writer = 0;
long static_rwlock = 0, static_mutex = 0;  // stand-ins for locks with static storage
constexpr unsigned tsan_mutex_linker_init = 1u << 0;

}  // namespace

int main() {
  // A hand-off through a pipe.
  int fds[2];
  if (pipe(fds) != 0) return 1;
  std::thread producer([&] {
    handed = 42;
    AnnotateHappensBefore(__FILE__, __LINE__, &handed);
    const char c = 1;
    if (write(fds[1], &c, 1) != 1) __builtin_trap();
  });
  char c;
  if (read(fds[0], &c, 1) != 1) return 1;
  AnnotateHappensAfter(__FILE__, __LINE__, &handed);
  const int got = handed;
  producer.join();

  // A lock on a pipe token; a benign statistics counter; an ignored debug write.
  AnnotateBenignRaceSized(__FILE__, __LINE__, &hits, sizeof hits, "statistics");
  pipe_lock lock;
  std::thread workers[3];
  for (int t = 0; t < 3; ++t)
    workers[t] = std::thread([&lock, t] {
      AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
      debug_last_writer = t;
      AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
      for (int i = 0; i < 100; ++i) {
        lock.lock();
        ++guarded;
        lock.unlock();
        ++hits;
      }
    });
  for (auto &w : workers) w.join();

  // Static locks.
  AnnotateRWLockAcquired(__FILE__, __LINE__, &static_rwlock, 1);
  AnnotateRWLockCreateStatic(__FILE__, __LINE__, &static_rwlock);
  AnnotateRWLockDestroy(__FILE__, __LINE__, &static_rwlock);
  AnnotateRWLockReleased(__FILE__, __LINE__, &static_rwlock, 1);
  __tsan_mutex_create(&static_mutex, tsan_mutex_linker_init);
  __tsan_mutex_pre_lock(&static_mutex, 0);
  __tsan_mutex_post_lock(&static_mutex, 0, 0);
  __tsan_mutex_destroy(&static_mutex, 0);
  __tsan_mutex_pre_unlock(&static_mutex, 0);
  __tsan_mutex_post_unlock(&static_mutex, 0);

  close(fds[0]);
  close(fds[1]);
  return got == 42 && guarded == 300 && debug_last_writer < 3 ? 0 : 1;
}
