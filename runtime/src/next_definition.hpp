// The next definition of a function liblockstep interposes (libc's, usually), for interposers that
// can be called while it is being resolved: dlsym itself may call memcpy, strlen or write. While
// one thread resolves it, get() returns null, and the caller does the work itself (a plain loop,
// the system call). interpose.cpp's pthread functions resolve through resolve_next, without that
// guard: dlsym never calls them.
#pragma once

#include <dlfcn.h>

#include <atomic>

namespace lockstep::rt {

// `name` (at `version` when given and found) in the objects after this one.
inline void *resolve_next(const char *name, const char *version = nullptr) noexcept {
  void *p = version ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (!p) p = dlsym(RTLD_NEXT, name);
  return p;
}

template <class F> class next_definition {
public:
  explicit constexpr next_definition(const char *name) noexcept : name_(name) {}

  F get() noexcept {
    F f = fn_.load(std::memory_order_acquire);
    if (__builtin_expect(f != nullptr, 1)) return f;
    if (resolving_.exchange(true, std::memory_order_acq_rel)) return nullptr;  // dlsym called back in
    f = reinterpret_cast<F>(resolve_next(name_));
    fn_.store(f, std::memory_order_release);
    resolving_.store(false, std::memory_order_release);
    return f;
  }

  // For a function dlsym never calls: never null (a thread that finds another one resolving it
  // resolves it too, rather than do without).
  F resolved() noexcept {
    F f = get();
    return f ? f : reinterpret_cast<F>(resolve_next(name_));
  }

private:
  const char *name_;
  std::atomic<F> fn_{nullptr};
  std::atomic<bool> resolving_{false};
};

// `next_<name>`, the next definition of the function `name` with that signature.
#define LOCKSTEP_NEXT_DEFINITION(ret, name, ...) \
  ::lockstep::rt::next_definition<ret (*)(__VA_ARGS__)> next_##name{#name};

}  // namespace lockstep::rt
