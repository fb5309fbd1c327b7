// Clean: a writer queue in the shape of leveldb's. Each of two threads in turn waits until it is at
// the front, writes the shared log, hands the front to the other and notifies it while still holding
// the mutex, and writes the log once more before unlocking. The notification needs no clock of its
// own (the woken thread retakes the mutex after this unlock), and nothing may be reported.
#include <lockstep/lockstep.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
std::mutex m;
std::condition_variable turn_cv[2];
int front = 0;  // whose turn it is, under m
long log_words = 0;
constexpr int kRounds = 2000;

void writer(int self) {
  for (int i = 0; i < kRounds; ++i) {
    std::unique_lock<std::mutex> lock(m);
    turn_cv[self].wait(lock, [self] { return front == self; });
    LOCKSTEP_WRITE(log_words);
    ++log_words;
    front = 1 - self;
    turn_cv[1 - self].notify_one();  // under the mutex the other thread waits with
    LOCKSTEP_WRITE(log_words);       // after the notification, before the unlock: still ordered
    ++log_words;
  }
}
}  // namespace

int main() {
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  LOCKSTEP_READ(log_words);
  return log_words == 4L * kRounds ? 0 : 1;
}
