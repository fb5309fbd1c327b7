// Clean: configuration written before the thread is created is read by the thread (thread start
// is a happens-before edge), and rewritten after the join.
#include <lockstep/lockstep.hpp>

#include <string>
#include <thread>

namespace {
struct config {
  int retries = 0;
  int timeout_ms = 0;
} settings;
}  // namespace

int main() {
  LOCKSTEP_WRITE(settings.retries);
  settings.retries = 3;
  LOCKSTEP_WRITE(settings.timeout_ms);
  settings.timeout_ms = 50;
  int used = 0;
  std::thread worker([&] {
    LOCKSTEP_READ(settings.retries);
    LOCKSTEP_READ(settings.timeout_ms);
    LOCKSTEP_WRITE(used);
    used = settings.retries * settings.timeout_ms;
  });
  worker.join();
  LOCKSTEP_WRITE(settings.retries);
  settings.retries = 0;
  LOCKSTEP_READ(used);
  return used == 150 ? 0 : 1;
}
