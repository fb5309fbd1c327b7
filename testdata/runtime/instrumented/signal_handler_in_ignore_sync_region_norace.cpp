// Unannotated code, built with lockstep_instrument, but for one dynamic annotation: a worker spins
// inside an AnnotateIgnoreSyncBegin/End region while main sends it signals; the handler, running on the
// worker, fills a slot of data and publishes it with a release store, which main acquires before it
// reads the slot. The ignoring is the interrupted code's, not the handler's: the handler's release
// orders as usual (as under ThreadSanitizer), and nothing may be reported. (The look-alikes that do
// race: ignore_sync_annotation_data_race.cpp.)
#include <pthread.h>
#include <signal.h>

#include <atomic>

extern "C" void AnnotateIgnoreSyncBegin(const char *file, int line);
extern "C" void AnnotateIgnoreSyncEnd(const char *file, int line);

namespace {
constexpr int kSignals = 50;
long data[kSignals];
std::atomic<int> ready[kSignals];
std::atomic<int> handled{0};
std::atomic<bool> ignoring{false}, done{false};

void handler(int) {
  const int n = handled.load(std::memory_order_relaxed);
  if (n >= kSignals) return;
  data[n] = n + 1;
  ready[n].store(1, std::memory_order_release);
  handled.store(n + 1, std::memory_order_relaxed);
}

void *worker(void *) {
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  ignoring.store(true, std::memory_order_relaxed);
  while (!done.load(std::memory_order_relaxed)) {
  }
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
  return nullptr;
}
}  // namespace

int main() {
  struct sigaction act = {};
  act.sa_handler = handler;
  if (sigaction(SIGUSR1, &act, nullptr) != 0) return 2;
  pthread_t t;
  if (pthread_create(&t, nullptr, worker, nullptr) != 0) return 2;
  while (!ignoring.load(std::memory_order_relaxed)) {
  }
  long sum = 0;
  for (int i = 0; i < kSignals; ++i) {
    pthread_kill(t, SIGUSR1);
    while (ready[i].load(std::memory_order_acquire) == 0) {
    }
    sum += data[i];
  }
  done.store(true, std::memory_order_relaxed);
  pthread_join(t, nullptr);
  return sum == kSignals * (kSignals + 1) / 2 ? 0 : 1;
}
