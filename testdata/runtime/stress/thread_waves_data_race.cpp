// Bug (data-race): 4000 short-lived threads in waves of 100 reuse the runtime's thread slots 40
// times; in the last wave two threads also write `last_writer` after leaving the mutex. Nothing
// orders those two writes (each comes after its own unlock), so the race must be found on every
// run even though both threads run in slots that earlier, long-joined threads used.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int waves = 40, per_wave = 100, n = waves * per_wave;
std::mutex total_mutex;
long total = 0;
int last_writer = -1;  // the racy variable
int slots[n];
}  // namespace

int main() {
  for (int w = 0; w < waves; ++w) {
    std::vector<std::thread> threads;
    threads.reserve(per_wave);
    for (int i = 0; i < per_wave; ++i) {
      const int id = w * per_wave + i;
      // Two threads of the last wave, far apart in it, are the racers.
      const bool racer = w == waves - 1 && (i == 10 || i == 90);
      threads.emplace_back([id, racer] {
        LOCKSTEP_WRITE(slots[id]);
        slots[id] = id;
        {
          std::lock_guard<std::mutex> lock(total_mutex);
          LOCKSTEP_WRITE(total);
          total += 1;
        }
        if (racer) {
          LOCKSTEP_WRITE(last_writer);  // after the unlock: not protected by total_mutex
          last_writer = id;
        }
      });
    }
    for (auto &t : threads) t.join();
  }
  LOCKSTEP_READ(total);
  return total == n ? 0 : 1;
}
