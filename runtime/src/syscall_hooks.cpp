// The system-call hooks of the sanitizer interface (<sanitizer/linux_syscall_hooks.h>). Code built with
// -fsanitize=thread that makes raw system calls wraps them in __sanitizer_syscall_pre_impl_<call> and
// __sanitizer_syscall_post_impl_<call> (libuv does for close, for one), so a runtime behind that
// instrumentation must define every one of them, or such code does not link. The hooks of read, write,
// pread64 and pwrite64 check the buffer and carry a pipe's ordering, those of pipe, pipe2, socketpair,
// socket, connect, accept, accept4, eventfd, eventfd2, epoll_create, epoll_create1, epoll_ctl and the
// epoll waits make and order channels, as the functions do (fd_channels.cpp), those of close, dup,
// dup2, dup3, open and openat follow descriptors (fd_objects.cpp); every other hook does nothing: a system call not seen can hide a race, never
// invent one. The parameters are not named here: a definition without them takes the caller's
// arguments and ignores them (C linkage, register arguments).
extern "C" {

#define LOCKSTEP_SYSCALL_HOOK(call)                 \
  void __sanitizer_syscall_pre_impl_##call() {}   \
  void __sanitizer_syscall_post_impl_##call() {}
#define LOCKSTEP_SYSCALL_HOOK_BY_HAND(call)  // fd_channels.cpp, fd_objects.cpp
#include "syscall_hooks.inc"
#undef LOCKSTEP_SYSCALL_HOOK_BY_HAND
#undef LOCKSTEP_SYSCALL_HOOK

}  // extern "C"
