// Clean (norace): a connection pool bounded by a counting semaphore. Eight workers share three
// connections: a worker acquires a permit, takes a free connection from a mutex-protected free
// list, uses it without any lock (it is its own until it gives it back), returns it and releases
// the permit. A statistics counter is guarded by a binary_semaphore used as a lock, so its updates
// are ordered by the semaphore alone (release -> the acquire that takes the permit).
#include <lockstep/lockstep.hpp>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int connections = 3, workers = 8, requests = 50;

struct connection {
  long queries = 0;
};
connection pool[connections];
bool in_use[connections];
std::mutex free_list_mu;
lockstep::counting_semaphore<connections> permits{connections, "pool"};
lockstep::binary_semaphore stats_lock{1, "stats"};
long served = 0;
int busy = 0, max_busy = 0;

int take_connection() {
  std::lock_guard<std::mutex> g(free_list_mu);
  for (int i = 0; i < connections; ++i)
    if (!in_use[i]) {
      in_use[i] = true;
      return i;
    }
  return -1;  // cannot happen while the semaphore bounds the workers
}

void give_back(int c) {
  std::lock_guard<std::mutex> g(free_list_mu);
  in_use[c] = false;
}

void worker() {
  for (int r = 0; r < requests; ++r) {
    permits.acquire();
    const int c = take_connection();
    if (c < 0) std::abort();
    LOCKSTEP_WRITE(pool[c].queries);
    ++pool[c].queries;
    stats_lock.acquire();
    LOCKSTEP_WRITE(served);
    ++served;
    stats_lock.release();
    give_back(c);
    permits.release();
  }
}
}  // namespace

int main() {
  std::vector<std::thread> ts;
  for (int i = 0; i < workers; ++i) ts.emplace_back(worker);
  for (auto &t : ts) t.join();
  long total = 0;
  for (const connection &c : pool) {
    LOCKSTEP_READ(c.queries);
    total += c.queries;
  }
  return served == long{workers} * requests && total == served ? 0 : 1;
}
