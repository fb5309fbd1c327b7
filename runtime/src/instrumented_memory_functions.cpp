// What libc's memory and string functions read and write, checked like the instrumented accesses, in
// a process with instrumented code (a module built with -fsanitize=thread called __tsan_init). The
// compiler does not instrument them: Clang 14 and GCC call memcpy and memset as they are, and code
// that was not instrumented (libstdc++, other libraries) calls them too. A process without
// instrumented code pays one load and a call through a pointer per call.
//
// The runtime's own calls are not checked (by the caller's address: anything in liblockstep), nor
// calls made while a thread is inside the runtime. Until the real functions are resolved (dlsym may
// itself call them), plain loops serve; this file is built with -fno-builtin so that no loop becomes
// a call to the function it stands in for.
#include <link.h>
#include <stdio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "next_definition.hpp"
#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

std::atomic<bool> g_instrumented{false};

// This library's code, [lo, hi): calls from there are the runtime's own.
std::atomic<std::uintptr_t> g_runtime_lo{0}, g_runtime_hi{0};

// The executable segment that holds this very function is the runtime's code.
void find_runtime_code() noexcept {
  struct segment {
    std::uintptr_t lo = 0, hi = 0;
  } seg;
  dl_iterate_phdr(
      [](dl_phdr_info *info, std::size_t, void *data) {
        const auto self = reinterpret_cast<std::uintptr_t>(&find_runtime_code);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &p = info->dlpi_phdr[i];
          const std::uintptr_t lo = info->dlpi_addr + p.p_vaddr;
          if (p.p_type == PT_LOAD && (p.p_flags & PF_X) && self >= lo && self - lo < p.p_memsz) {
            *static_cast<segment *>(data) = {lo, lo + p.p_memsz};
            return 1;
          }
        }
        return 0;
      },
      &seg);
  g_runtime_hi.store(seg.hi, std::memory_order_relaxed);
  g_runtime_lo.store(seg.lo, std::memory_order_release);
}

// The calling thread when a call made from `pc` is to be checked.
inline thread_state *checking(std::uintptr_t pc) noexcept {
  if (!g_instrumented.load(std::memory_order_relaxed)) return nullptr;
  if (pc >= g_runtime_lo.load(std::memory_order_acquire) && pc < g_runtime_hi.load(std::memory_order_relaxed))
    return nullptr;
  thread_state *thr = cur_thread_if_any();
  return thr && thr->in_rt == 0 && !thr->ignore_accesses ? thr : nullptr;
}

inline void check(thread_state *thr, const volatile void *p, std::size_t n, bool is_write, std::uintptr_t pc,
                  bool is_atomic = false) noexcept {
  if (n == 0 || (is_write ? thr->ignore_writes : thr->ignore_reads) > 0) return;
  instrumented_access(thr, addr_of(p), n, is_write, is_atomic, pc);
}

// A copy of n bytes from s to d, made at pc.
inline void check_copy(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) {
    check(thr, s, n, false, pc);
    check(thr, d, n, true, pc);
  }
}

// ---- what serves until the real functions are known (next_definition.hpp) --------------------------
void *plain_memmove(void *d, const void *s, std::size_t n) noexcept {
  auto *dp = static_cast<unsigned char *>(d);
  const auto *sp = static_cast<const unsigned char *>(s);
  if (dp < sp)
    for (std::size_t i = 0; i < n; ++i) dp[i] = sp[i];
  else
    for (std::size_t i = n; i > 0; --i) dp[i - 1] = sp[i - 1];
  return d;
}
void *plain_memset(void *d, int c, std::size_t n) noexcept {
  auto *dp = static_cast<unsigned char *>(d);
  for (std::size_t i = 0; i < n; ++i) dp[i] = static_cast<unsigned char>(c);
  return d;
}
int plain_memcmp(const void *a, const void *b, std::size_t n) noexcept {
  const auto *x = static_cast<const unsigned char *>(a), *y = static_cast<const unsigned char *>(b);
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

LOCKSTEP_NEXT_DEFINITION(void *, memcpy, void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, memmove, void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, memset, void *, int, std::size_t)
LOCKSTEP_NEXT_DEFINITION(int, memcmp, const void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(int, bcmp, const void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(std::size_t, strlen, const char *)
LOCKSTEP_NEXT_DEFINITION(std::size_t, strnlen, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, strcpy, char *, const char *)
LOCKSTEP_NEXT_DEFINITION(char *, strncpy, char *, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, strcat, char *, const char *)
LOCKSTEP_NEXT_DEFINITION(char *, strncat, char *, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(int, strcmp, const char *, const char *)
LOCKSTEP_NEXT_DEFINITION(int, strncmp, const char *, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, strchr, const char *, int)
LOCKSTEP_NEXT_DEFINITION(char *, strrchr, const char *, int)
LOCKSTEP_NEXT_DEFINITION(char *, strstr, const char *, const char *)
LOCKSTEP_NEXT_DEFINITION(void *, memchr, const void *, int, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, strdup, const char *)
// (dlsym calls none of these: resolved(), never null.)
LOCKSTEP_NEXT_DEFINITION(int, puts, const char *)
LOCKSTEP_NEXT_DEFINITION(int, fputs, const char *, FILE *)
LOCKSTEP_NEXT_DEFINITION(std::size_t, fwrite, const void *, std::size_t, std::size_t, FILE *)
LOCKSTEP_NEXT_DEFINITION(std::size_t, fread, void *, std::size_t, std::size_t, FILE *)
LOCKSTEP_NEXT_DEFINITION(char *, fgets, char *, int, FILE *)
LOCKSTEP_NEXT_DEFINITION(std::size_t, __fread_chk, void *, std::size_t, std::size_t, std::size_t, FILE *)
LOCKSTEP_NEXT_DEFINITION(char *, __fgets_chk, char *, std::size_t, int, FILE *)
LOCKSTEP_NEXT_DEFINITION(void *, __memcpy_chk, void *, const void *, std::size_t, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, __memmove_chk, void *, const void *, std::size_t, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, __memset_chk, void *, int, std::size_t, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, __strcpy_chk, char *, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, __strncpy_chk, char *, const char *, std::size_t, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, __strcat_chk, char *, const char *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(char *, __strncat_chk, char *, const char *, std::size_t, std::size_t)

// How many bytes of s the string functions examine: up to the terminator, or `max` bytes, inclusive of the
// terminator when it is within them.
std::size_t examined(const char *s, std::size_t max = SIZE_MAX) noexcept {
  std::size_t n = 0;
  while (n < max && s[n]) ++n;
  return n < max ? n + 1 : n;
}
// The bytes two strings are compared over, up to `max`: through the first difference or terminator.
std::size_t compared(const char *a, const char *b, std::size_t max = SIZE_MAX) noexcept {
  std::size_t n = 0;
  while (n < max && a[n] == b[n] && a[n]) ++n;
  return n < max ? n + 1 : n;
}
// The offset of the first byte where a and b differ (n if none): 8 bytes a step, the keys of a sorted
// container often share a long prefix.
std::size_t first_difference(const void *a, const void *b, std::size_t n) noexcept {
  const auto *x = static_cast<const unsigned char *>(a), *y = static_cast<const unsigned char *>(b);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t u, v;
    __builtin_memcpy(&u, x + i, 8);
    __builtin_memcpy(&v, y + i, 8);
    if (u != v) return i + static_cast<std::size_t>(__builtin_ctzll(u ^ v)) / 8;  // (little-endian)
  }
  while (i < n && x[i] == y[i]) ++i;
  return i;
}
// strchr's and memchr's scan: through the byte found, else all of it.
std::size_t scanned(const void *s, int c, std::size_t max, bool stop_at_terminator) noexcept {
  const auto *p = static_cast<const unsigned char *>(s);
  std::size_t n = 0;
  while (n < max && p[n] != static_cast<unsigned char>(c) && !(stop_at_terminator && p[n] == 0)) ++n;
  return n < max ? n + 1 : n;
}

}  // namespace

void lockstep::rt::note_instrumented_module() noexcept {
  if (g_instrumented.load(std::memory_order_relaxed)) return;
  find_runtime_code();
  g_instrumented.store(true, std::memory_order_relaxed);
}

bool lockstep::rt::instrumented_process() noexcept { return g_instrumented.load(std::memory_order_relaxed); }

void *lockstep::rt::checked_memcpy(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept {
  check_copy(d, s, n, pc);
  const auto f = next_memcpy.get();
  return f ? f(d, s, n) : plain_memmove(d, s, n);
}

void *lockstep::rt::checked_memmove(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept {
  check_copy(d, s, n, pc);
  const auto f = next_memmove.get();
  return f ? f(d, s, n) : plain_memmove(d, s, n);
}

void *lockstep::rt::checked_memset(void *d, int c, std::size_t n, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) check(thr, d, n, true, pc);
  const auto f = next_memset.get();
  return f ? f(d, c, n) : plain_memset(d, c, n);
}

void lockstep::rt::checked_buffer(const void *p, std::size_t n, bool is_write, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) check(thr, p, n, is_write, pc);
}

void lockstep::rt::checked_sync_object(const volatile void *obj, bool is_write, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) check(thr, obj, 1, is_write, pc, !is_write);
}

extern "C" {

void *memcpy(void *d, const void *s, std::size_t n) { return checked_memcpy(d, s, n, LOCKSTEP_CALLER_PC); }
void *memmove(void *d, const void *s, std::size_t n) { return checked_memmove(d, s, n, LOCKSTEP_CALLER_PC); }
void *memset(void *d, int c, std::size_t n) { return checked_memset(d, c, n, LOCKSTEP_CALLER_PC); }

namespace {
int checked_memcmp(const void *a, const void *b, std::size_t n, int (*f)(const void *, const void *, std::size_t),
                   std::uintptr_t pc) noexcept {
  const int r = (f ? f : plain_memcmp)(a, b, n);
  // The bytes compared: up to the first difference (inclusive), as the real function reads them.
  if (thread_state *thr = checking(pc)) {
    std::size_t used = n;
    if (r != 0) used = first_difference(a, b, n) + 1;
    check(thr, a, used, false, pc);
    check(thr, b, used, false, pc);
  }
  return r;
}
}  // namespace

int memcmp(const void *a, const void *b, std::size_t n) { return checked_memcmp(a, b, n, next_memcmp.get(), LOCKSTEP_CALLER_PC); }
// What Clang calls for memcmp(...) == 0.
int bcmp(const void *a, const void *b, std::size_t n) { return checked_memcmp(a, b, n, next_bcmp.get(), LOCKSTEP_CALLER_PC); }

std::size_t strlen(const char *s) {
  const auto f = next_strlen.get();
  const std::size_t n = f ? f(s) : examined(s) - 1;
  if (thread_state *thr = checking(LOCKSTEP_CALLER_PC)) check(thr, s, n + 1, false, LOCKSTEP_CALLER_PC);
  return n;
}

// The string functions below check the bytes they examine and write, computed again here (the real
// function does not say how far it looked) only when the call is checked; then the real function does
// the work, or a plain loop while the real one is not known yet.

std::size_t strnlen(const char *s, std::size_t max) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s, max), false, pc);
  if (const auto f = next_strnlen.get()) return f(s, max);
  std::size_t n = 0;
  while (n < max && s[n]) ++n;
  return n;
}

namespace {
// What strcpy, strncpy, strcat and strncat read and write, checked (for their fortified forms, only
// where they do not overflow `room`, the destination's size: then the real function ends the program).
void check_strcpy(const char *d, const char *s, std::uintptr_t pc, std::size_t room = SIZE_MAX) noexcept {
  if (thread_state *thr = checking(pc)) {
    const std::size_t n = examined(s);
    if (n > room) return;
    check(thr, s, n, false, pc);
    check(thr, d, n, true, pc);
  }
}
void check_strncpy(const char *d, const char *s, std::size_t max, std::uintptr_t pc, std::size_t room = SIZE_MAX) noexcept {
  if (thread_state *thr = checking(pc); thr && max <= room) {
    check(thr, s, examined(s, max), false, pc);
    check(thr, d, max, true, pc);  // what follows the string, up to max, is filled with zeros
  }
}
std::size_t appended(const char *s, std::size_t max) noexcept {  // strncat: bytes of s appended (a terminator follows)
  const std::size_t sn = examined(s, max);
  return sn && !s[sn - 1] ? sn - 1 : sn;
}
void check_strcat(const char *d, const char *s, std::size_t max, std::uintptr_t pc, std::size_t room = SIZE_MAX) noexcept {
  if (thread_state *thr = checking(pc)) {
    const std::size_t dn = examined(d), copied = appended(s, max);
    if (dn - 1 + copied + 1 > room) return;
    check(thr, d, dn, false, pc);
    check(thr, s, examined(s, max), false, pc);
    check(thr, d + dn - 1, copied + 1, true, pc);  // from d's terminator on
  }
}
}  // namespace

char *strcpy(char *d, const char *s) {
  check_strcpy(d, s, LOCKSTEP_CALLER_PC);
  if (const auto f = next_strcpy.get()) return f(d, s);
  return static_cast<char *>(plain_memmove(d, s, examined(s)));
}

char *strncpy(char *d, const char *s, std::size_t max) {
  check_strncpy(d, s, max, LOCKSTEP_CALLER_PC);
  if (const auto f = next_strncpy.get()) return f(d, s, max);
  const std::size_t n = examined(s, max);
  plain_memmove(d, s, n);
  plain_memset(d + n, 0, max - n);
  return d;
}

char *strcat(char *d, const char *s) {
  check_strcat(d, s, SIZE_MAX, LOCKSTEP_CALLER_PC);
  if (const auto f = next_strcat.get()) return f(d, s);
  plain_memmove(d + examined(d) - 1, s, examined(s));
  return d;
}

char *strncat(char *d, const char *s, std::size_t max) {
  check_strcat(d, s, max, LOCKSTEP_CALLER_PC);
  if (const auto f = next_strncat.get()) return f(d, s, max);
  char *end = d + examined(d) - 1;
  const std::size_t n = appended(s, max);
  plain_memmove(end, s, n);
  end[n] = '\0';
  return d;
}

namespace {
int plain_compare(const char *a, const char *b, std::size_t max) noexcept {
  const std::size_t n = compared(a, b, max);
  if (n == 0) return 0;
  const auto x = static_cast<unsigned char>(a[n - 1]), y = static_cast<unsigned char>(b[n - 1]);
  return x == y ? 0 : x < y ? -1 : 1;
}
void check_compared(const char *a, const char *b, std::size_t max, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) {
    const std::size_t n = compared(a, b, max);
    check(thr, a, n, false, pc);
    check(thr, b, n, false, pc);
  }
}
}  // namespace

int strcmp(const char *a, const char *b) {
  check_compared(a, b, SIZE_MAX, LOCKSTEP_CALLER_PC);
  const auto f = next_strcmp.get();
  return f ? f(a, b) : plain_compare(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, std::size_t max) {
  check_compared(a, b, max, LOCKSTEP_CALLER_PC);
  const auto f = next_strncmp.get();
  return f ? f(a, b, max) : plain_compare(a, b, max);
}

char *strchr(const char *s, int c) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, scanned(s, c, SIZE_MAX, true), false, pc);
  if (const auto f = next_strchr.get()) return f(s, c);
  const std::size_t n = scanned(s, c, SIZE_MAX, true);
  return s[n - 1] == static_cast<char>(c) ? const_cast<char *>(s + n - 1) : nullptr;
}

char *strrchr(const char *s, int c) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s), false, pc);  // all of it, for the last one
  if (const auto f = next_strrchr.get()) return f(s, c);
  for (std::size_t i = examined(s); i > 0; --i)
    if (s[i - 1] == static_cast<char>(c)) return const_cast<char *>(s + i - 1);
  return nullptr;
}

char *strstr(const char *hay, const char *needle) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  char *found = nullptr;
  if (const auto f = next_strstr.get()) {
    found = f(hay, needle);
  } else {
    for (const char *h = hay;; ++h) {
      if (compared(h, needle) == examined(needle)) {  // equal through needle's terminator but h's
        found = const_cast<char *>(h);
        break;
      }
      if (!*h) break;
    }
  }
  if (thread_state *thr = checking(pc)) {
    const std::size_t nn = examined(needle);
    // The haystack through the match, else all of it.
    check(thr, hay, found ? static_cast<std::size_t>(found - hay) + nn - 1 : examined(hay), false, pc);
    check(thr, needle, nn, false, pc);
  }
  return found;
}

void *memchr(const void *s, int c, std::size_t max) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, scanned(s, c, max, false), false, pc);
  if (const auto f = next_memchr.get()) return f(s, c, max);
  const std::size_t n = scanned(s, c, max, false);
  const auto *p = static_cast<const unsigned char *>(s);
  return n && p[n - 1] == static_cast<unsigned char>(c) ? const_cast<unsigned char *>(p + n - 1) : nullptr;
}

char *strdup(const char *s) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s), false, pc);
  if (const auto f = next_strdup.get()) return f(s);
  const std::size_t n = examined(s);
  auto *copy = static_cast<char *>(std::malloc(n));  // new memory: nothing to check
  return copy ? static_cast<char *>(plain_memmove(copy, s, n)) : nullptr;
}

// ---- stdio: the caller's buffers ------------------------------------------------------------------
// puts and fputs read the string, fwrite what it took from the buffer; fread and fgets write what
// they stored (as ThreadSanitizer's interceptors do). `std::cout << s` ends in fwrite. The FILE
// itself is stdio's, locked by stdio.

int puts(const char *s) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s), false, pc);
  return next_puts.resolved()(s);
}

int fputs(const char *s, FILE *f) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s), false, pc);
  return next_fputs.resolved()(s, f);
}

std::size_t fwrite(const void *p, std::size_t size, std::size_t n, FILE *f) {
  const std::size_t r = next_fwrite.resolved()(p, size, n, f);
  checked_buffer(p, r * size, false, LOCKSTEP_CALLER_PC);
  return r;
}

std::size_t fread(void *p, std::size_t size, std::size_t n, FILE *f) {
  const std::size_t r = next_fread.resolved()(p, size, n, f);
  checked_buffer(p, r * size, true, LOCKSTEP_CALLER_PC);
  return r;
}

namespace {
// What fgets stored: the line and its terminator (measured only for a checked call).
void check_line_stored(const char *s, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) check(thr, s, examined(s), true, pc);
}
}  // namespace

char *fgets(char *s, int n, FILE *f) {
  char *r = next_fgets.resolved()(s, n, f);
  if (r) check_line_stored(s, LOCKSTEP_CALLER_PC);
  return r;
}

// ---- the fortified forms (_FORTIFY_SOURCE), which libc runs without calling the plain ones ---------
// Each is checked as its plain form where it fits the destination's `room`; the real one then does the
// copy, or ends the program when it does not fit.

std::size_t __fread_chk(void *p, std::size_t room, std::size_t size, std::size_t n, FILE *f) {
  const std::size_t r = next___fread_chk.resolved()(p, room, size, n, f);
  checked_buffer(p, r * size, true, LOCKSTEP_CALLER_PC);
  return r;
}

char *__fgets_chk(char *s, std::size_t room, int n, FILE *f) {
  char *r = next___fgets_chk.resolved()(s, room, n, f);
  if (r) check_line_stored(s, LOCKSTEP_CALLER_PC);
  return r;
}

void *__memcpy_chk(void *d, const void *s, std::size_t n, std::size_t room) {
  if (n <= room) check_copy(d, s, n, LOCKSTEP_CALLER_PC);
  return next___memcpy_chk.resolved()(d, s, n, room);
}

void *__memmove_chk(void *d, const void *s, std::size_t n, std::size_t room) {
  if (n <= room) check_copy(d, s, n, LOCKSTEP_CALLER_PC);
  return next___memmove_chk.resolved()(d, s, n, room);
}

void *__memset_chk(void *d, int c, std::size_t n, std::size_t room) {
  const std::uintptr_t pc = LOCKSTEP_CALLER_PC;
  if (thread_state *thr = checking(pc); thr && n <= room) check(thr, d, n, true, pc);
  return next___memset_chk.resolved()(d, c, n, room);
}

char *__strcpy_chk(char *d, const char *s, std::size_t room) {
  check_strcpy(d, s, LOCKSTEP_CALLER_PC, room);
  return next___strcpy_chk.resolved()(d, s, room);
}

char *__strncpy_chk(char *d, const char *s, std::size_t max, std::size_t room) {
  check_strncpy(d, s, max, LOCKSTEP_CALLER_PC, room);
  return next___strncpy_chk.resolved()(d, s, max, room);
}

char *__strcat_chk(char *d, const char *s, std::size_t room) {
  check_strcat(d, s, SIZE_MAX, LOCKSTEP_CALLER_PC, room);
  return next___strcat_chk.resolved()(d, s, room);
}

char *__strncat_chk(char *d, const char *s, std::size_t max, std::size_t room) {
  check_strcat(d, s, max, LOCKSTEP_CALLER_PC, room);
  return next___strncat_chk.resolved()(d, s, max, room);
}

}  // extern "C"
