// Clean: 16 threads each start and join 1000 short-lived threads at the same time, so thread
// slots and pthread_t values (glibc reuses a joined thread's stack, hence its pthread_t, at once)
// are recycled concurrently. Each spawner reads its child's result after the join without a lock:
// the join must give the happens-before of that very child, never of another thread that had the
// same pthread_t a moment earlier. Nothing may be reported.
#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int spawners = 16, children = 1000;

std::mutex total_mutex;
long total = 0;
long results[spawners];  // results[s] is written by spawner s's current child, read by s after the join

void spawn(int s) {
  for (int c = 0; c < children; ++c) {
    std::thread child([s, c] {
      LOCKSTEP_WRITE(results[s]);
      results[s] = c;
      std::lock_guard<std::mutex> lock(total_mutex);
      LOCKSTEP_WRITE(total);
      ++total;
    });
    child.join();
    LOCKSTEP_READ(results[s]);  // ordered by the join alone
    if (results[s] != c) {
      std::fprintf(stderr, "concurrent_spawners_norace: spawner %d read %ld, expected %d\n", s, results[s], c);
      std::_Exit(1);
    }
  }
}
}  // namespace

int main() {
  std::vector<std::thread> pool;
  for (int s = 0; s < spawners; ++s) pool.emplace_back(spawn, s);
  for (auto &t : pool) t.join();
  LOCKSTEP_READ(total);
  return total == static_cast<long>(spawners) * children ? 0 : 1;
}
