// Bug (double-lock): a helper locks the std::mutex its caller already holds. Without lockstep
// this hangs for ever; lockstep reports it instead.
#include <lockstep/lockstep.hpp>

#include <mutex>

namespace {
std::mutex table_mutex;
int table_size = 0;

int size_locked() {
  std::lock_guard<std::mutex> lock(table_mutex);  // the caller holds it already
  return table_size;
}

void grow() {
  std::lock_guard<std::mutex> lock(table_mutex);
  table_size = size_locked() + 1;
}
}  // namespace

int main() {
  grow();
  return 0;
}
