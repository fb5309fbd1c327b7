// Clean: the look-alike of destroy_locked: every path unlocks before the mutex is destroyed.
#include <lockstep/lockstep.hpp>

#include <memory>
#include <pthread.h>

namespace {
struct session {
  pthread_mutex_t mutex;
  int state = 0;
};

bool update(session &s, int value) {
  pthread_mutex_lock(&s.mutex);
  if (value < 0) {
    pthread_mutex_unlock(&s.mutex);
    return false;
  }
  s.state = value;
  pthread_mutex_unlock(&s.mutex);
  return true;
}
}  // namespace

int main() {
  session s;
  pthread_mutex_init(&s.mutex, nullptr);
  update(s, 1);
  update(s, -1);
  pthread_mutex_destroy(&s.mutex);

  auto m = std::make_unique<lockstep::mutex>();
  m->lock();
  m->unlock();
  m.reset();
  return 0;
}
