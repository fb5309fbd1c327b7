// A lock whose token travels through a pipe, described to the race detector by the __tsan_mutex_*
// annotations: the instrumentation itself sees no synchronization in it.
#pragma once

#include <unistd.h>

#include "tsan_mutex_annotations.hpp"

class pipe_lock {
public:
  pipe_lock() {
    if (pipe(fds_) != 0) __builtin_trap();
    put_token();
    __tsan_mutex_create(this, 0);
  }
  pipe_lock(const pipe_lock &) = delete;
  pipe_lock &operator=(const pipe_lock &) = delete;
  ~pipe_lock() {
    __tsan_mutex_destroy(this, 0);
    close(fds_[0]);
    close(fds_[1]);
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
