// Unannotated code, built with lockstep_instrument: a thread deletes a record another thread has read
// one field of, deep inside the block (not its first granules), told only through a relaxed flag that
// the reader is done. The delete is a write of the whole block, checked granule by granule in groups:
// the read in the middle of the block must be found as surely as one at its start.
// expect-stack: 0 main
// expect-stack: 1 read_total
#include <atomic>
#include <thread>

namespace {
struct Record {
  long header = 1;
  char notes[112] = {};
  long total = 41;  // bytes 120-127 of a 192-byte block
  char trailer[64] = {};
};
std::atomic<bool> done_reading{false};  // relaxed: orders nothing
long seen = 0;

void read_total(const Record *r) {
  seen = r->total + 1;
  done_reading.store(true, std::memory_order_relaxed);
}
}  // namespace

int main() {
  auto *record = new Record;
  std::thread reader(read_total, record);
  while (!done_reading.load(std::memory_order_relaxed)) std::this_thread::yield();
  delete record;
  reader.join();
  return seen == 42 ? 0 : 1;
}
