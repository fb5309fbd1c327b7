// Clean: a table initialized once with std::call_once (pthread_once) and read by every thread.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>
#include <vector>

namespace {
std::once_flag table_once;
int table[8];

const int *get_table() {
  std::call_once(table_once, [] {
    for (int i = 0; i < 8; ++i) {
      LOCKSTEP_WRITE(table[i]);
      table[i] = i * i;
    }
  });
  return table;
}
}  // namespace

int main() {
  std::vector<std::thread> threads;
  std::vector<long> sums(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &sums] {
      const int *tab = get_table();
      long sum = 0;
      for (int i = 0; i < 8; ++i) {
        LOCKSTEP_READ(tab[i]);
        sum += tab[i];
      }
      LOCKSTEP_WRITE(sums[t]);
      sums[t] = sum;
    });
  for (auto &th : threads) th.join();
  for (long s : sums)
    if (s != 140) return 1;
  return 0;
}
