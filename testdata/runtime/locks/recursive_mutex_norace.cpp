// Clean: std::recursive_mutex and lockstep::recursive_mutex re-entered by nested calls on two threads.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

namespace {
std::recursive_mutex std_mutex;
lockstep::recursive_mutex drop_in_mutex;
int depth_sum = 0;
int other_sum = 0;

void nested(int depth) {
  std::lock_guard<std::recursive_mutex> lock(std_mutex);
  LOCKSTEP_WRITE(depth_sum);
  depth_sum += depth;
  if (depth > 0) nested(depth - 1);
}

void nested_drop_in(int depth) {
  std::lock_guard<lockstep::recursive_mutex> lock(drop_in_mutex);
  LOCKSTEP_WRITE(other_sum);
  other_sum += depth;
  if (depth > 0) nested_drop_in(depth - 1);
}

void work() {
  for (int i = 0; i < 50; ++i) {
    nested(3);
    nested_drop_in(3);
  }
}
}  // namespace

int main() {
  std::thread a(work), b(work);
  a.join();
  b.join();
  LOCKSTEP_READ(depth_sum);
  LOCKSTEP_READ(other_sum);
  return depth_sum == 600 && other_sum == 600 ? 0 : 1;
}
