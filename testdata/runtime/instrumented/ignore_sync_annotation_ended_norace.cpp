// Unannotated code, built with lockstep_instrument, but for dynamic annotations: the look-alike of
// ignore_sync_annotation_data_race.cpp whose worker ends its AnnotateIgnoreSyncBegin/End region (and
// a nested one, and an unbalanced extra End, which must not leave a negative count behind) before it
// takes the mutex: its lock and unlock order again, and nothing may be reported.
#include <mutex>
#include <thread>

extern "C" void AnnotateIgnoreSyncBegin(const char *file, int line);
extern "C" void AnnotateIgnoreSyncEnd(const char *file, int line);

namespace {
std::mutex counter_mutex;
int counter = 0;

__attribute__((noinline)) void increment() {
  std::lock_guard<std::mutex> g(counter_mutex);
  ++counter;
}
}  // namespace

int main() {
  std::thread worker([] {
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);  // unbalanced: ignored
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    increment();
  });
  increment();
  worker.join();
  return counter == 2 ? 0 : 1;
}
