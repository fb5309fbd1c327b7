// Unannotated code, built with lockstep_instrument, run with options that empty the instrumented
// shadow every few operations (a new shadow id at every epoch, only 6 ids). Before the threads start,
// the program maps memory read-only, whole 1 MiB regions of it: their shadow blocks are parked (one
// shared block of empty slots stands in). A reset must still empty every block made before: if one
// kept its slots, an id that changed hands would make an old access look like a new, concurrent one
// (the first version of the reset lost the blocks made before a parked one). Data handed over by a
// mutex between two threads, nothing may be reported.
// lockstep-options: shadow_id_epochs=1:shadow_ids=6
#include <sys/mman.h>

#include <mutex>
#include <thread>

namespace {
std::mutex data_mutex;
long data[512];

void work(int id) {
  for (int round = 0; round < 3000; ++round) {
    std::lock_guard<std::mutex> g(data_mutex);
    for (int i = 0; i < 8; ++i) data[(round * 8 + i + id) % 512] += round;
  }
}
}  // namespace

int main() {
  for (long &x : data) x = 1;  // the data's shadow block exists first
  constexpr std::size_t mapped = std::size_t{8} << 20;
  void *readonly = mmap(nullptr, mapped, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (readonly == MAP_FAILED) return 2;
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  munmap(readonly, mapped);
  long sum = 0;
  for (long x : data) sum += x;
  return sum > 0 ? 0 : 1;
}
