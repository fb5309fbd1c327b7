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
#include <dlfcn.h>
#include <link.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "rtl.hpp"

using namespace lockstep::rt;

namespace {

std::atomic<bool> g_instrumented{false};

// This library's code, [lo, hi): calls from there are the runtime's own.
std::atomic<std::uintptr_t> g_runtime_lo{0}, g_runtime_hi{0};

void find_runtime_code() noexcept {
  Dl_info self;
  if (!dladdr(reinterpret_cast<void *>(&find_runtime_code), &self)) return;
  struct search {
    const void *base;
    std::uintptr_t lo = 0, hi = 0;
  } s{self.dli_fbase};
  dl_iterate_phdr(
      [](dl_phdr_info *info, std::size_t, void *data) {
        auto *s = static_cast<search *>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &p = info->dlpi_phdr[i];
          if (p.p_type != PT_LOAD || !(p.p_flags & PF_X)) continue;
          const std::uintptr_t lo = info->dlpi_addr + p.p_vaddr;
          if (reinterpret_cast<std::uintptr_t>(s->base) > lo || lo - reinterpret_cast<std::uintptr_t>(s->base) > (1u << 30))
            continue;  // not this library's segment (a library's segments lie above its base)
          const std::uintptr_t self = reinterpret_cast<std::uintptr_t>(&find_runtime_code);
          if (self >= lo && self < lo + p.p_memsz) {
            s->lo = lo;
            s->hi = lo + p.p_memsz;
            return 1;
          }
        }
        return 0;
      },
      &s);
  g_runtime_hi.store(s.hi, std::memory_order_relaxed);
  g_runtime_lo.store(s.lo, std::memory_order_release);
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
  shadow_access(thr, reinterpret_cast<std::uintptr_t>(p), n, is_write, nullptr, pc);
}

// ---- the real functions, and what serves until they are known ---------------------------------------
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

using memcpy_t = void *(*)(void *, const void *, std::size_t);
using memset_t = void *(*)(void *, int, std::size_t);
using memcmp_t = int (*)(const void *, const void *, std::size_t);
using strlen_t = std::size_t (*)(const char *);

struct real_functions {
  memcpy_t memcpy = nullptr;
  memcpy_t memmove = nullptr;
  memset_t memset = nullptr;
  memcmp_t memcmp = nullptr;
  memcmp_t bcmp = nullptr;
  strlen_t strlen = nullptr;
};
real_functions g_real;  // zero-initialized static storage: usable before constructors run
std::atomic<int> g_resolved{0};  // 0 not yet, 1 resolving, 2 done

const real_functions &real() noexcept {
  if (__builtin_expect(g_resolved.load(std::memory_order_acquire) == 2, 1)) return g_real;
  int expected = 0;
  if (g_resolved.compare_exchange_strong(expected, 1)) {  // dlsym may call back in: plain loops meanwhile
    // Field by field: an aggregate copy could itself become a call to memcpy.
    g_real.memcpy = reinterpret_cast<memcpy_t>(dlsym(RTLD_NEXT, "memcpy"));
    g_real.memmove = reinterpret_cast<memcpy_t>(dlsym(RTLD_NEXT, "memmove"));
    g_real.memset = reinterpret_cast<memset_t>(dlsym(RTLD_NEXT, "memset"));
    g_real.memcmp = reinterpret_cast<memcmp_t>(dlsym(RTLD_NEXT, "memcmp"));
    g_real.bcmp = reinterpret_cast<memcmp_t>(dlsym(RTLD_NEXT, "bcmp"));
    g_real.strlen = reinterpret_cast<strlen_t>(dlsym(RTLD_NEXT, "strlen"));
    g_resolved.store(2, std::memory_order_release);
    return g_real;
  }
  static const real_functions plain{plain_memmove, plain_memmove, plain_memset, plain_memcmp, plain_memcmp, plain_strlen};
  return plain;
}

}  // namespace

void lockstep::rt::note_instrumented_module() noexcept {
  if (g_instrumented.load(std::memory_order_relaxed)) return;
  find_runtime_code();
  g_instrumented.store(true, std::memory_order_relaxed);
}

bool lockstep::rt::instrumented_process() noexcept { return g_instrumented.load(std::memory_order_relaxed); }

void *lockstep::rt::checked_memcpy(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) {
    check(thr, s, n, false, pc);
    check(thr, d, n, true, pc);
  }
  const memcpy_t f = real().memcpy;
  return (f ? f : plain_memmove)(d, s, n);
}

void *lockstep::rt::checked_memmove(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) {
    check(thr, s, n, false, pc);
    check(thr, d, n, true, pc);
  }
  const memcpy_t f = real().memmove;
  return (f ? f : plain_memmove)(d, s, n);
}

void *lockstep::rt::checked_memset(void *d, int c, std::size_t n, std::uintptr_t pc) noexcept {
  if (thread_state *thr = checking(pc)) check(thr, d, n, true, pc);
  const memset_t f = real().memset;
  return (f ? f : plain_memset)(d, c, n);
}

#define LOCKSTEP_PC reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))

extern "C" {

void *memcpy(void *d, const void *s, std::size_t n) { return checked_memcpy(d, s, n, LOCKSTEP_PC); }
void *memmove(void *d, const void *s, std::size_t n) { return checked_memmove(d, s, n, LOCKSTEP_PC); }
void *memset(void *d, int c, std::size_t n) { return checked_memset(d, c, n, LOCKSTEP_PC); }

namespace {
int checked_memcmp(const void *a, const void *b, std::size_t n, memcmp_t f, std::uintptr_t pc) noexcept {
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

int memcmp(const void *a, const void *b, std::size_t n) { return checked_memcmp(a, b, n, real().memcmp, LOCKSTEP_PC); }
// What Clang calls for memcmp(...) == 0.
int bcmp(const void *a, const void *b, std::size_t n) { return checked_memcmp(a, b, n, real().bcmp, LOCKSTEP_PC); }

std::size_t strlen(const char *s) {
  const strlen_t f = real().strlen;
  const std::size_t n = (f ? f : plain_strlen)(s);
  if (thread_state *thr = checking(LOCKSTEP_PC)) check(thr, s, n + 1, false, LOCKSTEP_PC);
  return n;
}

}  // extern "C"
