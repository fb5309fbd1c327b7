// Bug (unlock-not-locked): an error path unlocks a lockstep::mutex it never locked.
#include <lockstep/lockstep.hpp>

namespace {
lockstep::mutex cache_mutex;

int lookup(int key) {
  if (key < 0) {
    cache_mutex.unlock();  // the lock is only taken below
    return -1;
  }
  cache_mutex.lock();
  int value = key * 2;
  cache_mutex.unlock();
  return value;
}
}  // namespace

int main() {
  lookup(1);
  lookup(-1);
  return 0;
}
