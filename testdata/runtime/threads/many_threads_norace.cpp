// Clean: a thousand short-lived threads in batches (thread slots are reused), each writing its own
// slot and a mutex-protected total.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int batches = 10, per_batch = 100;
std::mutex total_mutex;
long total = 0;
int slots[batches * per_batch];
}  // namespace

int main() {
  for (int b = 0; b < batches; ++b) {
    std::vector<std::thread> threads;
    for (int i = 0; i < per_batch; ++i) {
      int id = b * per_batch + i;
      threads.emplace_back([id] {
        LOCKSTEP_WRITE(slots[id]);
        slots[id] = id;
        std::lock_guard<std::mutex> lock(total_mutex);
        LOCKSTEP_WRITE(total);
        total += 1;
      });
    }
    for (auto &t : threads) t.join();
  }
  long sum = 0;
  for (int &s : slots) {
    LOCKSTEP_READ(s);
    sum += s;
  }
  LOCKSTEP_READ(total);
  const long n = batches * per_batch;
  return total == n && sum == n * (n - 1) / 2 ? 0 : 1;
}
