// Bug (destroy-locked-mutex): a heap-allocated lockstep::mutex is deleted while a lock is held.
#include <lockstep/lockstep.hpp>

#include <memory>

int main() {
  auto m = std::make_unique<lockstep::mutex>();
  m->lock();
  m.reset();  // destroyed while locked
  return 0;
}
