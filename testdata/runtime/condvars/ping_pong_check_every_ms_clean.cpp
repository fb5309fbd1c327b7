// Clean: two threads hand a token back and forth 3000 times through two condition variables while
// the main thread waits to join them, with the deadlock check every millisecond. Often every thread
// is asleep at once for an instant (the main thread in its join, one player in its wait, the other
// just woken inside its wait); a waiter whose notification is on its way must not count as stuck.
#include <condition_variable>
#include <mutex>
#include <thread>

// lockstep-options: deadlock_check_ms=1

namespace {
std::mutex mu;
std::condition_variable ping_cv, pong_cv;
int turn = 0;  // guarded by mu: 0 ping's turn, 1 pong's
constexpr int rounds = 3000;

void player(int me, std::condition_variable &mine, std::condition_variable &other) {
  for (int i = 0; i < rounds; ++i) {
    std::unique_lock<std::mutex> lock(mu);
    mine.wait(lock, [&] { return turn == me; });
    turn = 1 - me;
    other.notify_one();
  }
}
}  // namespace

int main() {
  std::thread ping([] { player(0, ping_cv, pong_cv); });
  std::thread pong([] { player(1, pong_cv, ping_cv); });
  ping.join();
  pong.join();
  return 0;
}
