// Unannotated code, built with lockstep_instrument: a process with 100 live threads forks, and the
// child writes what the threads wrote. Must run to the end and stay silent: the child's thread orders
// after all that the vanished threads did, which makes its clock grow to cover them (memory the
// runtime takes only after the fork's locks are released: taking it under them hung the child).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {
constexpr int threads = 100;
long slots[threads];
std::atomic<int> started{0};
std::atomic<bool> release{false};
}  // namespace

int main() {
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([i] {
      slots[i] = i;
      started.fetch_add(1, std::memory_order_relaxed);
      while (!release.load(std::memory_order_acquire)) std::this_thread::yield();
    });
  while (started.load(std::memory_order_relaxed) < threads) std::this_thread::yield();
  const pid_t child = fork();
  if (child == 0) {
    long sum = 0;
    for (long &s : slots) sum += s++;
    _exit(sum == threads * (threads - 1) / 2 ? 0 : 1);
  }
  int status = 0;
  const bool child_ok = child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
                        WEXITSTATUS(status) == 0;
  release.store(true, std::memory_order_release);
  for (auto &t : pool) t.join();
  return child_ok ? 0 : 1;
}
