// Clean: a readers/writers store on std::shared_mutex: readers under shared_lock, the writer
// under unique_lock.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace {
std::shared_mutex store_mutex;
int store[4] = {0, 0, 0, 0};

int read_sum() {
  std::shared_lock<std::shared_mutex> lock(store_mutex);
  int sum = 0;
  for (int &v : store) {
    LOCKSTEP_READ(v);
    sum += v;
  }
  return sum;
}

void write_all(int value) {
  std::unique_lock<std::shared_mutex> lock(store_mutex);
  for (int &v : store) {
    LOCKSTEP_WRITE(v);
    v = value;
  }
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r)
    threads.emplace_back([] {
      for (int i = 0; i < 200; ++i) read_sum();
    });
  threads.emplace_back([] {
    for (int i = 0; i < 200; ++i) write_all(i);
  });
  for (auto &t : threads) t.join();
  return read_sum() == 4 * 199 ? 0 : 1;
}
