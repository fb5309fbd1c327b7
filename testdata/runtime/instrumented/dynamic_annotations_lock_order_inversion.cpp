// The look-alike of dynamic_annotations_norace.cpp that is wrong: two locks described by the
// __tsan_mutex_* annotations (their tokens travel through pipes) are taken in opposite orders by two
// threads. The runs happen not to deadlock (the threads run one after the other), but the orders
// form a cycle: a potential deadlock.
// expect-stack: 0 transfer
#include <unistd.h>

#include <thread>

extern "C" {
void __tsan_mutex_create(void *addr, unsigned flags);
void __tsan_mutex_pre_lock(void *addr, unsigned flags);
void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion);
int __tsan_mutex_pre_unlock(void *addr, unsigned flags);
void __tsan_mutex_post_unlock(void *addr, unsigned flags);
}

namespace {

class pipe_lock {
public:
  pipe_lock() {
    if (pipe(fds_) != 0) __builtin_trap();
    put_token();
    __tsan_mutex_create(this, 0);
  }
  void lock() {
    __tsan_mutex_pre_lock(this, 0);
    char c;
    if (read(fds_[0], &c, 1) != 1) __builtin_trap();
    __tsan_mutex_post_lock(this, 0, 0);
  }
  void unlock() {
    __tsan_mutex_pre_unlock(this, 0);
    put_token();
    __tsan_mutex_post_unlock(this, 0);
  }

private:
  void put_token() {
    const char c = 1;
    if (write(fds_[1], &c, 1) != 1) __builtin_trap();
  }
  int fds_[2];
};

pipe_lock accounts, journal;

void transfer(pipe_lock &first, pipe_lock &second) {
  first.lock();
  second.lock();
  second.unlock();
  first.unlock();
}

}  // namespace

int main() {
  std::thread a([] { transfer(accounts, journal); });
  a.join();
  std::thread b([] { transfer(journal, accounts); });
  b.join();
  return 0;
}
