// Bug (deadlock): two stages hand a token back and forth through two condition variables, but each
// stage waits for the token before it passes anything on, and nobody starts the exchange: both wait
// for ever (their predicate loops are right, the protocol is not), and the main thread waits to join
// them. Every live thread is blocked; nobody can notify: a deadlock is reported and the process ends.
// The drop-in lockstep::condition_variable and lockstep::mutex, with names in the report.
#include <lockstep/lockstep.hpp>

#include <mutex>
#include <thread>

// expect-stack: 0 wait_for_token

namespace {
lockstep::mutex token_mu{"token_mu"};
lockstep::condition_variable to_left{"to_left"};
lockstep::condition_variable to_right{"to_right"};
bool left_has_token = false;   // guarded by token_mu
bool right_has_token = false;  // guarded by token_mu

__attribute__((noinline)) void wait_for_token(lockstep::condition_variable &cv, bool &mine) {
  std::unique_lock<lockstep::mutex> lock(token_mu);
  cv.wait(lock, [&] { return mine; });
  mine = false;
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void pass_token(lockstep::condition_variable &cv, bool &theirs) {
  {
    std::lock_guard<lockstep::mutex> lock(token_mu);
    theirs = true;
  }
  cv.notify_one();
}

void left_stage() {
  for (int round = 0; round < 3; ++round) {
    wait_for_token(to_left, left_has_token);
    pass_token(to_right, right_has_token);
  }
}

void right_stage() {
  for (int round = 0; round < 3; ++round) {
    wait_for_token(to_right, right_has_token);
    pass_token(to_left, left_has_token);
  }
}
}  // namespace

int main() {
  std::thread left(left_stage);
  std::thread right(right_stage);
  left.join();
  right.join();
  return 0;
}
