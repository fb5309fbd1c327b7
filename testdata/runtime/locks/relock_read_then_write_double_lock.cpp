// Bug (double-lock): a thread holding a std::shared_mutex for reading asks for it exclusively
// (an "upgrade" that can never succeed: it waits for itself to stop reading).
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <shared_mutex>

namespace {
std::shared_mutex cache_mutex;
int cache_entries = 0;

void refresh_if_empty() {
  std::shared_lock<std::shared_mutex> read(cache_mutex);
  if (cache_entries == 0) {
    std::unique_lock<std::shared_mutex> write(cache_mutex);  // still holding `read`
    cache_entries = 1;
  }
}
}  // namespace

int main() {
  refresh_if_empty();
  return 0;
}
