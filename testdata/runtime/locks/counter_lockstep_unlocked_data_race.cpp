// Bug (data-race): lockstep::thread workers update a shared total; one forgot to take the mutex.
#include <lockstep/lockstep.hpp>

#include <mutex>

namespace {
lockstep::mutex total_mutex;
long total = 0;
}  // namespace

int main() {
  lockstep::thread careful([] {
    std::lock_guard<lockstep::mutex> lock(total_mutex);
    LOCKSTEP_WRITE(total);
    total += 1;
  });
  lockstep::thread careless([] {
    LOCKSTEP_WRITE(total);  // no lock: unordered with `careful`'s write
    total += 2;
  });
  careful.join();
  careless.join();
  return 0;
}
