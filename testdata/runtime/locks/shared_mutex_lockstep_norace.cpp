// Clean: the drop-in lockstep::shared_mutex with std::shared_lock readers and a std::unique_lock writer.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <shared_mutex>
#include <vector>

namespace {
lockstep::shared_mutex config_mutex;
int config_version = 0;
}  // namespace

int main() {
  std::vector<lockstep::thread> threads;
  for (int r = 0; r < 3; ++r)
    threads.emplace_back([] {
      for (int i = 0; i < 100; ++i) {
        std::shared_lock<lockstep::shared_mutex> lock(config_mutex);
        LOCKSTEP_READ(config_version);
      }
    });
  threads.emplace_back([] {
    for (int i = 0; i < 100; ++i) {
      std::unique_lock<lockstep::shared_mutex> lock(config_mutex);
      LOCKSTEP_WRITE(config_version);
      ++config_version;
    }
  });
  for (auto &t : threads) t.join();
  std::shared_lock<lockstep::shared_mutex> lock(config_mutex);
  LOCKSTEP_READ(config_version);
  return config_version == 100 ? 0 : 1;
}
