// Descriptors as objects: a thread that closes a descriptor while another thread may still use it (a
// read, write, send or receive not ordered before the close) has a data race on the descriptor, as
// ThreadSanitizer reports it: the number can be reused for another file at any moment, and the use
// then reaches the wrong file. Each number has 8 bytes in fd_objects (rtl.hpp) that stand for it in
// the instrumented shadow: a use reads them, close writes them; duplicating onto a number (dup2,
// dup3) only reads them, since replacing a descriptor in place is a correct idiom (/dev/null over
// stdin, a closed pipe over a socket before closing it), and keeps the number's history. After a
// close, and when a number is made anew, its history is forgotten, so a later file with the same
// number starts clean.
//
// Only descriptors whose creation was seen here are followed (open, dup, timerfd_create, ...; pipes,
// sockets, accept, eventfd and epoll in fd_channels.cpp). libc and libraries make and close
// descriptors internally (fopen, opendir, getaddrinfo), unseen: if such a number's stale history met a
// later close, a correct program would get a report. A followed descriptor closed unseen (fclose of an
// fdopen, closedir of an fdopendir, close_range, a raw close with the sanitizer hook) is unfollowed by
// those interposers; one closed where nothing can see it (a raw system call without the hooks) and
// whose number then comes back from an unseen creation is caught at its close: the file (device and
// inode) is not the one followed, and its history is dropped unchecked.
//
// In a process with instrumented code only, like the other checks of libc calls (checked_buffer).
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>

#include "instrumented_shadow.hpp"
#include "next_definition.hpp"
#include "rtl.hpp"
#include "stack.hpp"
#include "trace.hpp"

using namespace lockstep::rt;

namespace {

// The process whose descriptors these tables describe. A vfork child shares this memory and runs on
// its parent's thread state, and the descriptors it closes or makes before exec are its own (some
// programs close every descriptor there): left alone, or the parent's followed descriptors would be
// closed as the vforking thread, a race with whichever parent thread uses them (asked at a close only:
// what a vfork child makes can only hide a race). A fork child takes the tables over
// (fd_objects_after_fork_child).
std::atomic<pid_t> g_owner{0};
__attribute__((constructor)) void note_owner() {
  g_owner.store(static_cast<pid_t>(::syscall(SYS_getpid)), std::memory_order_relaxed);
}

bool in_vfork_child() noexcept {
  const pid_t owner = g_owner.load(std::memory_order_relaxed);
  return owner != 0 && owner != static_cast<pid_t>(::syscall(SYS_getpid));
}

// Which file fd is open on (device and inode, mixed), never 0 (1 when fstat fails).
std::uint64_t file_of(int fd) noexcept {
  struct stat st;
  if (::fstat(fd, &st) != 0) return 1;
  return ((static_cast<std::uint64_t>(st.st_dev) * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(st.st_ino)) | 1;
}

// Of each number: the file it is followed on (file_of when made), 0 when not followed.
std::atomic<std::uint64_t> g_file[fd_object_count];

bool followed(int fd) noexcept {
  return fd >= 0 && fd < fd_object_count && g_file[fd].load(std::memory_order_acquire) != 0;
}

// Whether fd's history holds an access by a thread other than the calling one (or the caller is not
// known): the only case where a close can race.
bool used_by_another_thread(int fd) noexcept {
  const thread_state *thr = cur_thread_if_any();
  const ishadow::granule_shadow *g = ishadow::mapped_granule(reinterpret_cast<std::uintptr_t>(&fd_objects[fd]));
  if (!thr || !g) return thr == nullptr;
  for (const auto &slot : g->slot)
    if (const ishadow::slot_word v = slot.load(std::memory_order_acquire); v && ishadow::owner_of(v).tid != thr->tid)
      return true;
  return false;
}

// The number's history forgotten: new memory, as far as the shadow is concerned.
void forget(int fd) noexcept {
  instrumented_shadow_reset(reinterpret_cast<std::uintptr_t>(&fd_objects[fd]), sizeof fd_objects[fd]);
}

// Where fd was made (or replaced): the call at pc, on the calling thread (for reports).
void note_origin(int fd, std::uintptr_t pc) noexcept {
  std::uint32_t stack = 0;
  std::uint64_t thread = 0;
  if (thread_state *thr = cur_thread_if_any(); thr && thr->in_rt == 0) {
    rt_scope sc(thr);
    stack = stack_depot_put(trace_current_stack(thr, pc));
    thread = thr->unique_id + 1;
  }
  fd_origins[fd].stack.store(stack, std::memory_order_relaxed);
  fd_origins[fd].thread.store(thread, std::memory_order_relaxed);
}

// fd, made or replaced by the call at pc, is followed on its file from now; a new descriptor's history
// is forgotten first. (Not asked whether this is a vfork child, a system call: a descriptor it makes
// only replaces the history of a number that is free in the parent too, or makes a later close there
// see another file.)
void follow(int fd, std::uintptr_t pc, bool fresh) noexcept {
  if (fd < 0 || fd >= fd_object_count || !instrumented_process()) return;
  const int saved_errno = errno;  // the caller sees the call's errno, whatever fstat and madvise did
  if (fresh) forget(fd);
  note_origin(fd, pc);
  g_file[fd].store(file_of(fd), std::memory_order_release);
  errno = saved_errno;
}

// A call at pc returned r: the descriptor it made, when r is one.
int made(int r, std::uintptr_t pc) noexcept {
  follow(r, pc, true);
  return r;
}

// dup2/dup3 onto a number (after its use, fd_used: replacing a descriptor is a use of what it was)
// returned r: another file now. A followed number keeps its history, that use included: a close not
// ordered after it is a race as before.
int replaced(int r, std::uintptr_t pc) noexcept {
  follow(r, pc, !followed(r));
  return r;
}

LOCKSTEP_NEXT_DEFINITION(int, close, int)
LOCKSTEP_NEXT_DEFINITION(int, fclose, FILE *)
LOCKSTEP_NEXT_DEFINITION(int, closedir, DIR *)
LOCKSTEP_NEXT_DEFINITION(int, close_range, unsigned, unsigned, int)
LOCKSTEP_NEXT_DEFINITION(void, closefrom, int)
LOCKSTEP_NEXT_DEFINITION(int, open, const char *, int, ...)
LOCKSTEP_NEXT_DEFINITION(int, openat, int, const char *, int, ...)
LOCKSTEP_NEXT_DEFINITION(int, creat, const char *, mode_t)
LOCKSTEP_NEXT_DEFINITION(int, __open_2, const char *, int)
LOCKSTEP_NEXT_DEFINITION(int, __openat_2, int, const char *, int)
LOCKSTEP_NEXT_DEFINITION(int, dup, int)
LOCKSTEP_NEXT_DEFINITION(int, dup2, int, int)
LOCKSTEP_NEXT_DEFINITION(int, dup3, int, int, int)
LOCKSTEP_NEXT_DEFINITION(int, timerfd_create, int, int)
LOCKSTEP_NEXT_DEFINITION(int, inotify_init, void)
LOCKSTEP_NEXT_DEFINITION(int, inotify_init1, int)
LOCKSTEP_NEXT_DEFINITION(int, memfd_create, const char *, unsigned)

// open's mode argument, there only when the flags create a file.
mode_t mode_of(int flags, va_list ap) noexcept {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

}  // namespace

void lockstep::rt::fd_created(int fd, std::uintptr_t pc) noexcept { follow(fd, pc, true); }

void lockstep::rt::fd_used(int fd, std::uintptr_t pc) noexcept {
  if (followed(fd)) checked_buffer(&fd_objects[fd], sizeof fd_objects[fd], false, pc);
}

void lockstep::rt::fd_closing(int fd, std::uintptr_t pc) noexcept {
  if (!followed(fd)) return;
  const int saved_errno = errno;
  // Only another thread's use can race with the close; the two questions below are system calls, asked
  // only then (a vfork child's close of a descriptor only its thread used just unfollows it early):
  // whether this is a vfork child, and whether the number still holds the file followed (see above).
  if (used_by_another_thread(fd)) {
    if (in_vfork_child()) {
      errno = saved_errno;
      return;
    }
    if (file_of(fd) == g_file[fd].load(std::memory_order_relaxed))
      checked_buffer(&fd_objects[fd], sizeof fd_objects[fd], true, pc);
  }
  // Before the real close: once it returns, another thread may get the number and follow it anew.
  g_file[fd].store(0, std::memory_order_release);
  forget(fd);
  errno = saved_errno;
}

void lockstep::rt::fd_objects_after_fork_child() noexcept { note_owner(); }

extern "C" {

int close(int fd) {
  fd_closing(fd, LOCKSTEP_CALLER_PC);
  auto f = next_close.get();
  return f ? f(fd) : static_cast<int>(::syscall(SYS_close, fd));
}

int fclose(FILE *file) {
  if (file) fd_closing(fileno(file), LOCKSTEP_CALLER_PC);
  return next_fclose.resolved()(file);
}

int closedir(DIR *dir) {
  fd_closing(dirfd(dir), LOCKSTEP_CALLER_PC);
  return next_closedir.resolved()(dir);
}

int close_range(unsigned first, unsigned last, int flags) {
  if (!(flags & CLOSE_RANGE_CLOEXEC))
    for (unsigned fd = first; fd <= last && fd < static_cast<unsigned>(fd_object_count); ++fd)
      fd_closing(static_cast<int>(fd), LOCKSTEP_CALLER_PC);
  return next_close_range.resolved()(first, last, flags);
}

void closefrom(int lowest) {
  for (int fd = lowest < 0 ? 0 : lowest; fd < fd_object_count; ++fd) fd_closing(fd, LOCKSTEP_CALLER_PC);
  next_closefrom.resolved()(lowest);
}

int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_of(flags, ap);
  va_end(ap);
  auto f = next_open.get();
  return made(f ? f(path, flags, mode) : static_cast<int>(::syscall(SYS_openat, AT_FDCWD, path, flags, mode)),
              LOCKSTEP_CALLER_PC);
}

int openat(int dir, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_of(flags, ap);
  va_end(ap);
  auto f = next_openat.get();
  return made(f ? f(dir, path, flags, mode) : static_cast<int>(::syscall(SYS_openat, dir, path, flags, mode)),
              LOCKSTEP_CALLER_PC);
}

int creat(const char *path, mode_t mode) { return made(next_creat.resolved()(path, mode), LOCKSTEP_CALLER_PC); }
// The fortified forms of open without a mode (_FORTIFY_SOURCE).
int __open_2(const char *path, int flags) { return made(next___open_2.resolved()(path, flags), LOCKSTEP_CALLER_PC); }
int __openat_2(int dir, const char *path, int flags) { return made(next___openat_2.resolved()(dir, path, flags), LOCKSTEP_CALLER_PC); }
// The 64-bit forms are the same functions on x86-64.
int open64(const char *, int, ...) __attribute__((alias("open")));
int openat64(int, const char *, int, ...) __attribute__((alias("openat")));
int creat64(const char *, mode_t) __attribute__((alias("creat")));
int __open64_2(const char *, int) __attribute__((alias("__open_2")));
int __openat64_2(int, const char *, int) __attribute__((alias("__openat_2")));

int dup(int fd) {
  fd_used(fd, LOCKSTEP_CALLER_PC);
  return made(next_dup.resolved()(fd), LOCKSTEP_CALLER_PC);
}

int dup2(int from, int to) {
  fd_used(from, LOCKSTEP_CALLER_PC);
  if (from == to) return next_dup2.resolved()(from, to);
  fd_used(to, LOCKSTEP_CALLER_PC);
  return replaced(next_dup2.resolved()(from, to), LOCKSTEP_CALLER_PC);
}

int dup3(int from, int to, int flags) {
  fd_used(from, LOCKSTEP_CALLER_PC);
  fd_used(to, LOCKSTEP_CALLER_PC);
  return replaced(next_dup3.resolved()(from, to, flags), LOCKSTEP_CALLER_PC);
}

int timerfd_create(int clock, int flags) { return made(next_timerfd_create.resolved()(clock, flags), LOCKSTEP_CALLER_PC); }
int inotify_init() { return made(next_inotify_init.resolved()(), LOCKSTEP_CALLER_PC); }
int inotify_init1(int flags) { return made(next_inotify_init1.resolved()(flags), LOCKSTEP_CALLER_PC); }
int memfd_create(const char *name, unsigned flags) { return made(next_memfd_create.resolved()(name, flags), LOCKSTEP_CALLER_PC); }

// The sanitizer interface's hooks around raw system calls (the others are in syscall_hooks.cpp).
void __sanitizer_syscall_pre_impl_close(long fd) { fd_closing(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_close(long, long) {}
void __sanitizer_syscall_pre_impl_dup(long fd) { fd_used(static_cast<int>(fd), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_dup(long res, long) { made(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_dup2(long from, long to) {
  fd_used(static_cast<int>(from), LOCKSTEP_CALLER_PC);
  if (from != to) fd_used(static_cast<int>(to), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_dup2(long res, long from, long to) {
  if (from != to) replaced(static_cast<int>(res), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_pre_impl_dup3(long from, long to, long) {
  fd_used(static_cast<int>(from), LOCKSTEP_CALLER_PC);
  fd_used(static_cast<int>(to), LOCKSTEP_CALLER_PC);
}
void __sanitizer_syscall_post_impl_dup3(long res, long, long, long) { replaced(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_post_impl_open(long res, long, long, long) { made(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_open(long, long, long) {}
void __sanitizer_syscall_post_impl_openat(long res, long, long, long, long) { made(static_cast<int>(res), LOCKSTEP_CALLER_PC); }
void __sanitizer_syscall_pre_impl_openat(long, long, long, long) {}

}  // extern "C"
