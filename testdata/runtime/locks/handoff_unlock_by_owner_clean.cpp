// Clean: the look-alike of unlock_by_other_thread: a worker locks and unlocks the mutex itself,
// and the main thread takes it after the join.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::mutex m;
int shared_value = 0;
}  // namespace

int main() {
  std::thread worker([] {
    m.lock();
    LOCKSTEP_WRITE(shared_value);
    shared_value = 42;
    m.unlock();
  });
  worker.join();
  m.lock();
  LOCKSTEP_READ(shared_value);
  int v = shared_value;
  m.unlock();
  return v == 42 ? 0 : 1;
}
