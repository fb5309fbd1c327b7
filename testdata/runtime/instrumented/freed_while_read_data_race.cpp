// Unannotated code, built with lockstep_instrument: a thread deletes an object another thread has
// read, told only through a relaxed flag that the reader is done. Nothing orders the read before the
// delete, which is a write of the whole block.
// expect-stack: 0 main
// expect-stack: 1 read_order
#include <atomic>
#include <thread>

namespace {
struct Order {
  long id = 7;
  long quantity = 3;
};
std::atomic<bool> done_reading{false};  // relaxed: orders nothing
long seen = 0;

void read_order(const Order *o) {
  seen = o->id + o->quantity;
  done_reading.store(true, std::memory_order_relaxed);
}
}  // namespace

int main() {
  auto *order = new Order;
  std::thread reader(read_order, order);
  while (!done_reading.load(std::memory_order_relaxed)) std::this_thread::yield();
  delete order;
  reader.join();
  return seen == 10 ? 0 : 1;
}
