// Bug (double-lock): lockstep::mutex locked twice by the same thread.
#include <lockstep/lockstep.hpp>

int main() {
  lockstep::mutex m;
  m.lock();
  m.lock();  // self-deadlock: reported instead of hanging
  m.unlock();
  return 0;
}
