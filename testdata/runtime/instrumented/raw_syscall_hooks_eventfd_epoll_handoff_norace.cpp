// Unannotated code, built with lockstep_instrument: the eventfd and epoll hand-offs of
// epoll_eventfd_handoff_norace, made with raw system calls wrapped in the sanitizer interface's hooks
// (as libuv and others do when built with -fsanitize=thread; the hooks are declared here as
// <sanitizer/linux_syscall_hooks.h> declares them, GCC 12 ships no such header). The hooks carry the
// same ordering as the functions: nothing may be reported.
#include <sys/syscall.h>
#include <unistd.h>

#include "epoll_eventfd_handoff.hpp"

extern "C" {
void __sanitizer_syscall_pre_impl_eventfd2(long count, long flags);
void __sanitizer_syscall_post_impl_eventfd2(long res, long count, long flags);
void __sanitizer_syscall_pre_impl_epoll_create1(long flags);
void __sanitizer_syscall_post_impl_epoll_create1(long res, long flags);
void __sanitizer_syscall_pre_impl_epoll_ctl(long epfd, long op, long fd, long event);
void __sanitizer_syscall_post_impl_epoll_ctl(long res, long epfd, long op, long fd, long event);
void __sanitizer_syscall_pre_impl_epoll_wait(long epfd, long events, long maxevents, long timeout);
void __sanitizer_syscall_post_impl_epoll_wait(long res, long epfd, long events, long maxevents, long timeout);
void __sanitizer_syscall_pre_impl_write(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_write(long res, long fd, long buf, long count);
void __sanitizer_syscall_pre_impl_read(long fd, long buf, long count);
void __sanitizer_syscall_post_impl_read(long res, long fd, long buf, long count);
}

namespace {
struct raw_calls {
  static int eventfd(unsigned initial) {
    __sanitizer_syscall_pre_impl_eventfd2(initial, 0);
    const long r = syscall(SYS_eventfd2, initial, 0);
    __sanitizer_syscall_post_impl_eventfd2(r, initial, 0);
    return static_cast<int>(r);
  }
  static int epoll_create1() {
    __sanitizer_syscall_pre_impl_epoll_create1(0);
    const long r = syscall(SYS_epoll_create1, 0);
    __sanitizer_syscall_post_impl_epoll_create1(r, 0);
    return static_cast<int>(r);
  }
  static int epoll_ctl(int ep, int op, int fd, epoll_event *ev) {
    const long e = reinterpret_cast<long>(ev);
    __sanitizer_syscall_pre_impl_epoll_ctl(ep, op, fd, e);
    const long r = syscall(SYS_epoll_ctl, ep, op, fd, ev);
    __sanitizer_syscall_post_impl_epoll_ctl(r, ep, op, fd, e);
    return static_cast<int>(r);
  }
  static int epoll_wait(int ep, epoll_event *got, int max, int timeout) {
    const long g = reinterpret_cast<long>(got);
    __sanitizer_syscall_pre_impl_epoll_wait(ep, g, max, timeout);
    const long r = syscall(SYS_epoll_wait, ep, got, max, timeout);
    __sanitizer_syscall_post_impl_epoll_wait(r, ep, g, max, timeout);
    return static_cast<int>(r);
  }
  static long write(int fd, const void *buf, long n) {
    __sanitizer_syscall_pre_impl_write(fd, reinterpret_cast<long>(buf), n);
    const long r = syscall(SYS_write, fd, buf, n);
    __sanitizer_syscall_post_impl_write(r, fd, reinterpret_cast<long>(buf), n);
    return r;
  }
  static long read(int fd, void *buf, long n) {
    __sanitizer_syscall_pre_impl_read(fd, reinterpret_cast<long>(buf), n);
    const long r = syscall(SYS_read, fd, buf, n);
    __sanitizer_syscall_post_impl_read(r, fd, reinterpret_cast<long>(buf), n);
    return r;
  }
};
}  // namespace

int main() { return handoff::run<raw_calls>(false); }
