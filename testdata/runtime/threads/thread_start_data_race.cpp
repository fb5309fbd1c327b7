// Bug (data-race): the configuration is filled in *after* starting the thread that reads it.
#include <lockstep/lockstep.hpp>

#include <thread>

namespace {
struct config {
  int retries = 0;
} settings;
}  // namespace

int main() {
  int used = 0;
  std::thread worker([&] {
    LOCKSTEP_READ(settings.retries);
    used = settings.retries;
  });
  LOCKSTEP_WRITE(settings.retries);  // too late: unordered with the worker's read
  settings.retries = 3;
  worker.join();
  return used >= 0 ? 0 : 1;
}
