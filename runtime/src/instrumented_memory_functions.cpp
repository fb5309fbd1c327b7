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

#include <atomic>
#include <cstddef>
#include <cstdint>

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

inline void check(thread_state *thr, const void *p, std::size_t n, bool is_write, std::uintptr_t pc) noexcept {
  if (n == 0 || (is_write ? thr->ignore_writes : thr->ignore_reads) > 0) return;
  instrumented_access(thr, reinterpret_cast<std::uintptr_t>(p), n, is_write, false, pc);
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
std::size_t plain_strlen(const char *s) noexcept {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}

LOCKSTEP_NEXT_DEFINITION(void *, memcpy, void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, memmove, void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(void *, memset, void *, int, std::size_t)
LOCKSTEP_NEXT_DEFINITION(int, memcmp, const void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(int, bcmp, const void *, const void *, std::size_t)
LOCKSTEP_NEXT_DEFINITION(std::size_t, strlen, const char *)

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
    if (r != 0) {
      const auto *x = static_cast<const unsigned char *>(a), *y = static_cast<const unsigned char *>(b);
      used = 0;
      while (used < n && x[used] == y[used]) ++used;
      ++used;
    }
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
  const std::size_t n = f ? f(s) : plain_strlen(s);
  if (thread_state *thr = checking(LOCKSTEP_CALLER_PC)) check(thr, s, n + 1, false, LOCKSTEP_CALLER_PC);
  return n;
}

}  // extern "C"
