// Bug (deadlock): three threads each join the next one in a ring, so none can ever finish.
// (A ring of three: glibc itself only notices two threads joining each other.)
#include <lockstep/lockstep.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace {
std::thread ring[3];
std::atomic<bool> published{false};

void member(int i) {
  while (!published.load()) std::this_thread::yield();
  ring[(i + 1) % 3].join();  // waits for the next member, which waits for the next...
}
}  // namespace

int main() {
  for (int i = 0; i < 3; ++i) ring[i] = std::thread(member, i);
  published.store(true);
  // The main thread waits too; lockstep must report the ring and exit on its own.
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}
