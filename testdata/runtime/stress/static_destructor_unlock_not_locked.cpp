// Bug (unlock-not-locked), found during static destruction: a global connection's close() unlocks
// the mutex its open() locked; its destructor unlocks it once more, after main returned. The
// runtime must report the second unlock while statics are being destroyed, and exit with 66.
#include <lockstep/lockstep.hpp>

#include <pthread.h>

#include <thread>

namespace {
struct connection {
  pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;
  int uses = 0;
  void open() {
    pthread_mutex_lock(&busy);
    LOCKSTEP_WRITE(uses);
    ++uses;
  }
  void close() { pthread_mutex_unlock(&busy); }
  ~connection() { pthread_mutex_unlock(&busy); }  // bug: close() already unlocked it
} connection_;
}  // namespace

int main() {
  std::thread t([] {
    connection_.open();
    connection_.close();
  });
  t.join();
  return 0;
}
