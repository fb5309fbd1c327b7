// Clean: the look-alike of relock_double_lock with a recursive mutex, where re-locking is allowed.
#include <lockstep/lockstep.hpp>

#include <mutex>

namespace {
std::recursive_mutex table_mutex;
int table_size = 0;

int size_locked() {
  std::lock_guard<std::recursive_mutex> lock(table_mutex);
  return table_size;
}

void grow() {
  std::lock_guard<std::recursive_mutex> lock(table_mutex);
  table_size = size_locked() + 1;
}
}  // namespace

int main() {
  grow();
  grow();
  lockstep::recursive_mutex m;
  m.lock();
  m.lock();
  m.unlock();
  m.unlock();
  return table_size == 2 ? 0 : 1;
}
