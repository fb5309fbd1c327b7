// An annotated reader-writer lock released in the other mode than it was taken: a writer's release
// annotated as a reader's, and a reader's as a writer's. Each is an unlock of a hold that does not
// exist in that mode (unlock-not-locked); the program goes on. The releases in the right mode, next
// to them, stay silent.
// expect-reports: 2
// expect-stderr: shared unlock (it is held exclusively) of
#include <atomic>
#include <thread>

extern "C" {
void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
}

int main() {
  int rw = 0;
  AnnotateRWLockCreate(__FILE__, __LINE__, &rw);
  AnnotateRWLockAcquired(__FILE__, __LINE__, &rw, 1);
  AnnotateRWLockReleased(__FILE__, __LINE__, &rw, 1);  // right
  AnnotateRWLockAcquired(__FILE__, __LINE__, &rw, 1);
  AnnotateRWLockReleased(__FILE__, __LINE__, &rw, 0);  // wrong: a writer released as a reader
  std::thread reader([&] {
    AnnotateRWLockAcquired(__FILE__, __LINE__, &rw, 0);
    AnnotateRWLockReleased(__FILE__, __LINE__, &rw, 0);  // right
    AnnotateRWLockAcquired(__FILE__, __LINE__, &rw, 0);
    AnnotateRWLockReleased(__FILE__, __LINE__, &rw, 1);  // wrong: a reader released as a writer
  });
  reader.join();
  return 0;
}
