// Unannotated code, built with lockstep_instrument, but for one dynamic annotation: a worker that
// increments a counter under a mutex between AnnotateIgnoreSyncBegin and End, while main increments it
// under the same mutex. The annotation asks that the worker's synchronization order nothing (its lock
// and unlock, as ThreadSanitizer treats them), so the two increments race as if unlocked, whichever
// comes first (the read and the write of the increment may each be reported). The look-alike whose
// ignoring ends before the lock: ignore_sync_annotation_ended_norace.cpp.
// expect-reports: 1..2
// expect-stack: 0 increment
// expect-stack: 1 increment
#include <mutex>
#include <thread>

extern "C" void AnnotateIgnoreSyncBegin(const char *file, int line);
extern "C" void AnnotateIgnoreSyncEnd(const char *file, int line);

namespace {
std::mutex counter_mutex;
int counter = 0;

__attribute__((noinline)) void increment(bool ignoring_sync) {
  if (ignoring_sync) AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  {
    std::lock_guard<std::mutex> g(counter_mutex);
    ++counter;
  }
  if (ignoring_sync) AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}
}  // namespace

int main() {
  std::thread worker(increment, true);
  increment(false);
  worker.join();
  return counter == 2 ? 0 : 1;
}
