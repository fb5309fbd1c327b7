// Bug (unlock-not-locked): a std::mutex is unlocked twice, the second time while nobody holds it.
#include <lockstep/lockstep.hpp>

#include <mutex>

namespace {
std::mutex log_mutex;
int lines = 0;
}  // namespace

int main() {
  log_mutex.lock();
  ++lines;
  log_mutex.unlock();
  log_mutex.unlock();  // second unlock
  return 0;
}
