// Happens-before through a pipe or a socket pair: what a thread did before writing to one end happens
// before what another thread does after reading from the other end (ThreadSanitizer models the same).
// Without it, a program that hands data over through a pipe (a self-pipe wake-up, a worker reporting
// back) gets a false race report on the data.
//
// Sockets made by socket() or accept() share one channel for all of them (as ThreadSanitizer does):
// which descriptor of this process is the other end of a connection is not known, so a send on any
// socket happens before a receive on any socket, and a connect() before the accept() that returns
// (more ordering than there is: it can hide a race, never invent one).
//
// An eventfd is a channel of its own: a write to it happens before the read that returns its count.
// An epoll instance is one too: epoll_ctl (adding or changing what it watches, typically after the
// thread is done with a descriptor) happens before an epoll_wait that returns events (the thread
// that then picks the descriptor up), as in ThreadSanitizer; more ordering than the kernel gives
// (any change before any wake-up), which can hide a race, never invent one.
//
// pipe/pipe2/socketpair give both ends one channel; a write or send on an end releases into the
// channel's clock, a read or receive that returned data acquires it. close() does not detach the
// descriptor: a vfork child closes the parent's pipe ends in the parent's memory, and a number reused
// for another file only orders a little more (hiding a race, never inventing one) until a new pipe
// takes it. Descriptors made otherwise (dup, accept, a FIFO opened by name) have no channel: through
// them nothing is ordered, which can produce a report, as before.
//
// They also follow descriptors as objects (fd_objects.cpp): the ones made here are new, and every call
// uses its descriptor.
//
// The same interposers check the caller's buffers in a process with instrumented code (see
// checked_buffer): what a write or send returned as sent was read from the buffer, what a read or
// receive returned was written into it (pread and pwrite, on files, have only that).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "next_definition.hpp"
#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

constexpr int max_fd = 1 << 16;  // descriptors above are not followed
constexpr std::uint32_t channel_count = 1 << 16;

// channel + 1 of each descriptor, 0 when none. A channel is a slot of g_channel_keys, whose address
// keys its sync record.
std::atomic<std::uint32_t> g_fd_channel[max_fd];
char g_channel_keys[channel_count];
constexpr std::uint32_t sockets_channel = channel_count + 1;  // the value of a socket's descriptor
char g_sockets_key;
std::atomic<std::uint32_t> g_next_channel{0};

std::uintptr_t channel_of(int fd) noexcept {
  if (fd < 0 || fd >= max_fd) return 0;
  const std::uint32_t c = g_fd_channel[fd].load(std::memory_order_acquire);
  if (c == sockets_channel) return reinterpret_cast<std::uintptr_t>(&g_sockets_key);
  return c ? reinterpret_cast<std::uintptr_t>(&g_channel_keys[c - 1]) : 0;
}

void join_sockets(int fd) noexcept {
  if (fd >= 0 && fd < max_fd) g_fd_channel[fd].store(sockets_channel, std::memory_order_release);
}

void join_channel(int a, int b) noexcept {
  if (a < 0 || a >= max_fd || b < 0 || b >= max_fd) return;
  const std::uint32_t c = g_next_channel.fetch_add(1, std::memory_order_relaxed) % channel_count;
  // A recycled channel slot starts from a fresh record: forget whatever an earlier channel left.
  if (thread_state *thr = tracked_thread()) {
    rt_scope sc(thr);
    sync_forget(reinterpret_cast<std::uintptr_t>(&g_channel_keys[c]));
  }
  g_fd_channel[a].store(c + 1, std::memory_order_release);
  g_fd_channel[b].store(c + 1, std::memory_order_release);
}

// A call at pc uses fd to send: before the data can reach the other end.
void sending(int fd, std::uintptr_t pc) noexcept {
  fd_used(fd, pc);
  if (const std::uintptr_t key = channel_of(fd))
    tracked_event([&](thread_state *thr) { address_release(thr, key, sync_kind::user); });
}

// After data arrived.
void received(int fd) noexcept {
  if (const std::uintptr_t key = channel_of(fd))
    tracked_event([&](thread_state *thr) { address_acquire(thr, key); });
}

// The first `done` bytes of the buffers of `iov`, as one system call read or wrote them.
void checked_iov(const iovec *iov, std::size_t count, ssize_t done, bool is_write, std::uintptr_t pc) noexcept {
  for (std::size_t i = 0; i < count && done > 0; ++i) {
    const std::size_t n = iov[i].iov_len < static_cast<std::size_t>(done) ? iov[i].iov_len : static_cast<std::size_t>(done);
    checked_buffer(iov[i].iov_base, n, is_write, pc);
    done -= static_cast<ssize_t>(n);
  }
}

// A system call that returned r moved r bytes out of `buf` (read them: `is_write` false) or into it.
// Returns r.
ssize_t transferred(ssize_t r, const void *buf, bool is_write, std::uintptr_t pc) noexcept {
  if (r > 0 && buf) checked_buffer(buf, static_cast<std::size_t>(r), is_write, pc);
  return r;
}
ssize_t after_send(ssize_t r, const void *buf, std::uintptr_t pc) noexcept { return transferred(r, buf, false, pc); }

// A read of `fd` that returned r: data arrived when r > 0, written into `buf` (else into `iov`). Returns r.
ssize_t after_receive(int fd, ssize_t r, void *buf, std::uintptr_t pc, const iovec *iov = nullptr,
                      std::size_t count = 0) noexcept {
  if (r > 0) {
    received(fd);
    if (iov)
      checked_iov(iov, count, r, true, pc);
    else
      transferred(r, buf, true, pc);
  }
  return r;
}

// socket() at pc returned r: when it is one, a new descriptor on the sockets' channel. Returns r.
int socket_made(int r, std::uintptr_t pc) noexcept {
  join_sockets(r);
  fd_created(r, pc);
  return r;
}

// accept() returned `fd` (or failed): a socket, ordered after the connect it answers.
int accepted(int fd, std::uintptr_t pc) noexcept {
  if (fd >= 0) {
    socket_made(fd, pc);
    received(fd);
  }
  return fd;
}

// pipe, pipe2 or socketpair at pc returned r: when it made the two ends, one channel for both.
int paired(int r, const int fds[2], std::uintptr_t pc) noexcept {
  if (r == 0) {
    join_channel(fds[0], fds[1]);
    fd_created(fds[0], pc);
    fd_created(fds[1], pc);
  }
  return r;
}

// A channel of its own (see above), and a new descriptor.
int own_channel(int fd, std::uintptr_t pc) noexcept {
  if (fd >= 0) {
    join_channel(fd, fd);
    fd_created(fd, pc);
  }
  return fd;
}

// epoll_wait and epoll_pwait returned r: events arrived when r > 0, written into `events`.
int after_epoll_wait(int epfd, int r, epoll_event *events, std::uintptr_t pc) noexcept {
  if (r > 0) {
    received(epfd);
    checked_buffer(events, static_cast<std::size_t>(r) * sizeof(epoll_event), true, pc);
  }
  return r;
}

LOCKSTEP_NEXT_DEFINITION(int, pipe, int *)
LOCKSTEP_NEXT_DEFINITION(int, pipe2, int *, int)
LOCKSTEP_NEXT_DEFINITION(int, socketpair, int, int, int, int *)
LOCKSTEP_NEXT_DEFINITION(int, socket, int, int, int)
LOCKSTEP_NEXT_DEFINITION(int, accept, int, sockaddr *, socklen_t *)
LOCKSTEP_NEXT_DEFINITION(int, accept4, int, sockaddr *, socklen_t *, int)
LOCKSTEP_NEXT_DEFINITION(int, connect, int, const sockaddr *, socklen_t)
LOCKSTEP_NEXT_DEFINITION(int, eventfd, unsigned, int)
LOCKSTEP_NEXT_DEFINITION(int, epoll_create, int)
LOCKSTEP_NEXT_DEFINITION(int, epoll_create1, int)
LOCKSTEP_NEXT_DEFINITION(int, epoll_ctl, int, int, int, epoll_event *)
LOCKSTEP_NEXT_DEFINITION(int, epoll_wait, int, epoll_event *, int, int)
LOCKSTEP_NEXT_DEFINITION(int, epoll_pwait, int, epoll_event *, int, int, const sigset_t *)
LOCKSTEP_NEXT_DEFINITION(ssize_t, write, int, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(ssize_t, read, int, void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(ssize_t, writev, int, const iovec *, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, readv, int, const iovec *, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, send, int, const void *, std::size_t, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, recv, int, void *, std::size_t, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, sendto, int, const void *, std::size_t, int, const sockaddr *, socklen_t)
LOCKSTEP_NEXT_DEFINITION(ssize_t, recvfrom, int, void *, std::size_t, int, sockaddr *, socklen_t *)
LOCKSTEP_NEXT_DEFINITION(ssize_t, sendmsg, int, const msghdr *, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, recvmsg, int, msghdr *, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, pread, int, void *, std::size_t, off_t)
LOCKSTEP_NEXT_DEFINITION(ssize_t, pwrite, int, const void *, std::size_t, off_t)
// The fortified receives (_FORTIFY_SOURCE), which reach the system call inside libc without calling
// read or recv (dlsym calls none of them).
LOCKSTEP_NEXT_DEFINITION(ssize_t, __read_chk, int, void *, std::size_t, std::size_t)
LOCKSTEP_NEXT_DEFINITION(ssize_t, __recv_chk, int, void *, std::size_t, std::size_t, int)
LOCKSTEP_NEXT_DEFINITION(ssize_t, __recvfrom_chk, int, void *, std::size_t, std::size_t, int, sockaddr *, socklen_t *)
LOCKSTEP_NEXT_DEFINITION(ssize_t, __pread_chk, int, void *, std::size_t, off_t, std::size_t)

}  // namespace

extern "C" {

int pipe(int fds[2]) {
  auto f = next_pipe.get();
  const int r = f ? f(fds) : static_cast<int>(::syscall(SYS_pipe2, fds, 0));
  return paired(r, fds, LOCKSTEP_CALLER_PC);
}

int pipe2(int fds[2], int flags) {
  auto f = next_pipe2.get();
  const int r = f ? f(fds, flags) : static_cast<int>(::syscall(SYS_pipe2, fds, flags));
  return paired(r, fds, LOCKSTEP_CALLER_PC);
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  auto f = next_socketpair.get();
  const int r = f ? f(domain, type, protocol, fds) : static_cast<int>(::syscall(SYS_socketpair, domain, type, protocol, fds));
  return paired(r, fds, LOCKSTEP_CALLER_PC);
}

int socket(int domain, int type, int protocol) {
  auto f = next_socket.get();
  const int r = f ? f(domain, type, protocol) : static_cast<int>(::syscall(SYS_socket, domain, type, protocol));
  return socket_made(r, LOCKSTEP_CALLER_PC);
}

int connect(int fd, const sockaddr *to, socklen_t len) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_connect.get();
  return f ? f(fd, to, len) : static_cast<int>(::syscall(SYS_connect, fd, to, len));
}

int accept(int fd, sockaddr *from, socklen_t *len) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_accept.get();
  return accepted(f ? f(fd, from, len) : static_cast<int>(::syscall(SYS_accept, fd, from, len)), LOCKSTEP_CALLER_PC);
}

int accept4(int fd, sockaddr *from, socklen_t *len, int flags) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_accept4.get();
  return accepted(f ? f(fd, from, len, flags) : static_cast<int>(::syscall(SYS_accept4, fd, from, len, flags)), LOCKSTEP_CALLER_PC);
}

int eventfd(unsigned initial, int flags) { return own_channel(next_eventfd.resolved()(initial, flags), LOCKSTEP_CALLER_PC); }
int epoll_create(int size) { return own_channel(next_epoll_create.resolved()(size), LOCKSTEP_CALLER_PC); }
int epoll_create1(int flags) { return own_channel(next_epoll_create1.resolved()(flags), LOCKSTEP_CALLER_PC); }

int epoll_ctl(int epfd, int op, int fd, epoll_event *event) {
  sending(epfd, LOCKSTEP_CALLER_PC);
  return next_epoll_ctl.resolved()(epfd, op, fd, event);
}

int epoll_wait(int epfd, epoll_event *events, int max, int timeout) {
  fd_used(epfd, LOCKSTEP_CALLER_PC);
  return after_epoll_wait(epfd, next_epoll_wait.resolved()(epfd, events, max, timeout), events, LOCKSTEP_CALLER_PC);
}

int epoll_pwait(int epfd, epoll_event *events, int max, int timeout, const sigset_t *mask) {
  fd_used(epfd, LOCKSTEP_CALLER_PC);
  return after_epoll_wait(epfd, next_epoll_pwait.resolved()(epfd, events, max, timeout, mask), events,
                          LOCKSTEP_CALLER_PC);
}

ssize_t write(int fd, const void *buf, std::size_t n) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_write.get();
  return after_send(f ? f(fd, buf, n) : ::syscall(SYS_write, fd, buf, n), buf, LOCKSTEP_CALLER_PC);
}

ssize_t read(int fd, void *buf, std::size_t n) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_read.get();
  return after_receive(fd, f ? f(fd, buf, n) : ::syscall(SYS_read, fd, buf, n), buf, LOCKSTEP_CALLER_PC);
}

ssize_t writev(int fd, const iovec *iov, int count) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_writev.get();
  const ssize_t r = f ? f(fd, iov, count) : ::syscall(SYS_writev, fd, iov, count);
  if (count > 0) checked_iov(iov, static_cast<std::size_t>(count), r, false, LOCKSTEP_CALLER_PC);
  return r;
}

ssize_t readv(int fd, const iovec *iov, int count) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_readv.get();
  return after_receive(fd, f ? f(fd, iov, count) : ::syscall(SYS_readv, fd, iov, count), nullptr, LOCKSTEP_CALLER_PC,
                       iov, count > 0 ? static_cast<std::size_t>(count) : 0);
}

ssize_t send(int fd, const void *buf, std::size_t n, int flags) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_send.get();
  return after_send(f ? f(fd, buf, n, flags) : ::syscall(SYS_sendto, fd, buf, n, flags, nullptr, 0), buf,
                    LOCKSTEP_CALLER_PC);
}

ssize_t recv(int fd, void *buf, std::size_t n, int flags) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_recv.get();
  return after_receive(fd, f ? f(fd, buf, n, flags) : ::syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr), buf,
                       LOCKSTEP_CALLER_PC);
}

ssize_t sendto(int fd, const void *buf, std::size_t n, int flags, const sockaddr *to, socklen_t len) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_sendto.get();
  return after_send(f ? f(fd, buf, n, flags, to, len) : ::syscall(SYS_sendto, fd, buf, n, flags, to, len), buf,
                    LOCKSTEP_CALLER_PC);
}

ssize_t recvfrom(int fd, void *buf, std::size_t n, int flags, sockaddr *from, socklen_t *len) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_recvfrom.get();
  return after_receive(fd, f ? f(fd, buf, n, flags, from, len) : ::syscall(SYS_recvfrom, fd, buf, n, flags, from, len),
                       buf, LOCKSTEP_CALLER_PC);
}

ssize_t sendmsg(int fd, const msghdr *msg, int flags) {
  sending(fd, LOCKSTEP_CALLER_PC);
  auto f = next_sendmsg.get();
  const ssize_t r = f ? f(fd, msg, flags) : ::syscall(SYS_sendmsg, fd, msg, flags);
  if (msg) checked_iov(msg->msg_iov, msg->msg_iovlen, r, false, LOCKSTEP_CALLER_PC);
  return r;
}

ssize_t recvmsg(int fd, msghdr *msg, int flags) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_recvmsg.get();
  return after_receive(fd, f ? f(fd, msg, flags) : ::syscall(SYS_recvmsg, fd, msg, flags), nullptr, LOCKSTEP_CALLER_PC,
                       msg ? msg->msg_iov : nullptr, msg ? msg->msg_iovlen : 0);
}

// Files, not channels: only the buffers. (pread64 and pwrite64 are the same functions on x86-64.)
ssize_t pread(int fd, void *buf, std::size_t n, off_t at) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_pread.get();
  return transferred(f ? f(fd, buf, n, at) : ::syscall(SYS_pread64, fd, buf, n, at), buf, true, LOCKSTEP_CALLER_PC);
}

ssize_t pwrite(int fd, const void *buf, std::size_t n, off_t at) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  auto f = next_pwrite.get();
  return after_send(f ? f(fd, buf, n, at) : ::syscall(SYS_pwrite64, fd, buf, n, at), buf, LOCKSTEP_CALLER_PC);
}
ssize_t pread64(int, void *, std::size_t, off64_t) __attribute__((alias("pread")));
ssize_t pwrite64(int, const void *, std::size_t, off64_t) __attribute__((alias("pwrite")));

// The fortified forms of the receives: the same, once libc checked that `room`, the buffer's size, holds
// what was asked for (else it ends the program). Without them a hand-off through a pipe read in a
// fortified build would order nothing, and the data read after it would be reported.
ssize_t __read_chk(int fd, void *buf, std::size_t n, std::size_t room) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  return after_receive(fd, next___read_chk.resolved()(fd, buf, n, room), buf, LOCKSTEP_CALLER_PC);
}

ssize_t __recv_chk(int fd, void *buf, std::size_t n, std::size_t room, int flags) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  return after_receive(fd, next___recv_chk.resolved()(fd, buf, n, room, flags), buf, LOCKSTEP_CALLER_PC);
}

ssize_t __recvfrom_chk(int fd, void *buf, std::size_t n, std::size_t room, int flags, sockaddr *from, socklen_t *len) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  return after_receive(fd, next___recvfrom_chk.resolved()(fd, buf, n, room, flags, from, len), buf, LOCKSTEP_CALLER_PC);
}

ssize_t __pread_chk(int fd, void *buf, std::size_t n, off_t at, std::size_t room) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  return transferred(next___pread_chk.resolved()(fd, buf, n, at, room), buf, true, LOCKSTEP_CALLER_PC);
}
ssize_t __pread64_chk(int, void *, std::size_t, off64_t, std::size_t) __attribute__((alias("__pread_chk")));

// The sanitizer interface's hooks around raw system calls that move data or make and order channels (the
// others are in syscall_hooks.cpp): the same as the functions. (The hooks' arguments are longs: the
// system call's own.)
void __sanitizer_syscall_pre_impl_write(long fd, long, long) {
  sending(static_cast<int>(fd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_write(long res, long, long buf, long) {
  after_send(res, reinterpret_cast<const void *>(buf), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_read(long fd, long, long) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_read(long res, long fd, long buf, long) {
  after_receive(static_cast<int>(fd), res, reinterpret_cast<void *>(buf), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_pwrite64(long fd, long, long, long) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_pwrite64(long res, long, long buf, long, long) {
  transferred(res, reinterpret_cast<const void *>(buf), false, LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_pread64(long fd, long, long, long) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_pread64(long res, long, long buf, long, long) {
  transferred(res, reinterpret_cast<void *>(buf), true, LOCKSTEP_CALLER_PC);
}

void __sanitizer_syscall_pre_impl_pipe(long) {}
void __sanitizer_syscall_post_impl_pipe(long res, long fds) {
  paired(static_cast<int>(res), reinterpret_cast<const int *>(fds), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_pipe2(long, long) {}
void __sanitizer_syscall_post_impl_pipe2(long res, long fds, long) {
  paired(static_cast<int>(res), reinterpret_cast<const int *>(fds), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_socketpair(long, long, long, long) {}
void __sanitizer_syscall_post_impl_socketpair(long res, long, long, long, long fds) {
  paired(static_cast<int>(res), reinterpret_cast<const int *>(fds), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_socket(long, long, long) {}
void __sanitizer_syscall_post_impl_socket(long res, long, long, long) {
  socket_made(static_cast<int>(res), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_connect(long fd, long, long) {
  sending(static_cast<int>(fd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_connect(long, long, long, long) {}
void __sanitizer_syscall_pre_impl_accept(long fd, long, long) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_accept(long res, long, long, long) { accepted(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_accept4(long fd, long, long, long) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_accept4(long res, long, long, long, long) {
  accepted(static_cast<int>(res), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_eventfd(long) {}
void __sanitizer_syscall_post_impl_eventfd(long res, long) { own_channel(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_eventfd2(long, long) {}
void __sanitizer_syscall_post_impl_eventfd2(long res, long, long) { own_channel(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_epoll_create(long) {}
void __sanitizer_syscall_post_impl_epoll_create(long res, long) { own_channel(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_epoll_create1(long) {}
void __sanitizer_syscall_post_impl_epoll_create1(long res, long) {
  own_channel(static_cast<int>(res), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_epoll_ctl(long epfd, long, long, long) {
  sending(static_cast<int>(epfd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_epoll_ctl(long, long, long, long, long) {}
void __sanitizer_syscall_pre_impl_epoll_wait(long epfd, long, long, long) {
  fd_used(static_cast<int>(epfd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_epoll_wait(long res, long epfd, long events, long, long) {
  after_epoll_wait(static_cast<int>(epfd), static_cast<int>(res), reinterpret_cast<epoll_event *>(events),
                   LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_epoll_pwait(long epfd, long, long, long, long, long) {
  fd_used(static_cast<int>(epfd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_epoll_pwait(long res, long epfd, long events, long, long, long, long) {
  after_epoll_wait(static_cast<int>(epfd), static_cast<int>(res), reinterpret_cast<epoll_event *>(events),
                   LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_epoll_pwait2(long epfd, long, long, long, long, long) {
  fd_used(static_cast<int>(epfd), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_epoll_pwait2(long res, long epfd, long events, long, long, long, long) {
  after_epoll_wait(static_cast<int>(epfd), static_cast<int>(res), reinterpret_cast<epoll_event *>(events),
                   LOCKSTEP_CALLER_PC);
}

}  // extern "C"
