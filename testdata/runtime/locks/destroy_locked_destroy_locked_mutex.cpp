// Bug (destroy-locked-mutex): a pthread mutex is destroyed while still locked (a forgotten unlock
// on an early-return path). std::mutex's destructor is trivial, so this uses the pthread API.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

namespace {
struct session {
  pthread_mutex_t mutex;
  int state = 0;
};

bool update(session &s, int value) {
  pthread_mutex_lock(&s.mutex);
  if (value < 0) return false;  // forgets to unlock
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
  pthread_mutex_destroy(&s.mutex);  // still locked
  return 0;
}
