// A user's C++11 program: two std::threads bump one counter, without a lock ("racy") or under a std::mutex
// ("locked"). Compiled as C++11 against the installed <lockstep/annotations.hpp>.
#include <lockstep/annotations.hpp>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

static_assert(__cplusplus == 201103L, "this program checks that the annotations work from C++11: compile it so");

namespace {
int hits = 0;
std::mutex hits_mutex;

void bump(bool use_lock) {
  std::unique_lock<std::mutex> lock(hits_mutex, std::defer_lock);
  if (use_lock) lock.lock();
  LOCKSTEP_WRITE(hits);
  ++hits;
}
}  // namespace

int main(int argc, char **argv) {
  if (argc != 2 || (std::strcmp(argv[1], "racy") != 0 && std::strcmp(argv[1], "locked") != 0)) {
    std::fprintf(stderr, "usage: %s racy|locked\n", argv[0]);
    return 2;
  }
  const bool use_lock = std::strcmp(argv[1], "locked") == 0;
  std::thread other(bump, use_lock);  // unordered with the main thread's bump unless both lock
  bump(use_lock);
  other.join();
  std::printf("hits=%d\n", hits);
  return 0;
}
