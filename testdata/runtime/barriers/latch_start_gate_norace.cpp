// Clean (norace): a start gate and a finish line made of two lockstep::latch. The main thread fills
// the configuration and opens the gate with count_down(); every worker waits on it (wait() or
// try_wait() in a loop), reads the configuration, writes its own result and counts the finish latch
// down; the main thread waits on that latch and reads every result.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
constexpr int workers = 6;
int config_scale = 0;
long results[workers];
lockstep::latch start{1, "start"};
lockstep::latch finished{workers, "finished"};
}  // namespace

int main() {
  std::vector<std::thread> ts;
  for (int w = 0; w < workers; ++w)
    ts.emplace_back([w] {
      if (w % 2)
        start.wait();
      else
        while (!start.try_wait()) std::this_thread::yield();
      LOCKSTEP_READ(config_scale);
      LOCKSTEP_WRITE(results[w]);
      results[w] = long{w} * config_scale;
      finished.count_down();
    });
  LOCKSTEP_WRITE(config_scale);
  config_scale = 10;
  start.count_down();
  finished.wait();
  long sum = 0;
  for (int w = 0; w < workers; ++w) {
    LOCKSTEP_READ(results[w]);
    sum += results[w];
  }
  for (auto &t : ts) t.join();
  return sum == 10L * workers * (workers - 1) / 2 ? 0 : 1;
}
