// Address space for the runtime's own memory (see runtime_memory.hpp).
#include "runtime_memory.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace lockstep::rt {

void *map_runtime_range(std::size_t bytes) noexcept {
  static std::atomic<std::uintptr_t> next{std::uintptr_t{0x600000000000}};
  const std::uintptr_t hint = next.fetch_add((bytes + 0xffff) & ~std::uintptr_t{0xffff}, std::memory_order_relaxed);
  void *p = reinterpret_cast<void *>(::syscall(SYS_mmap, hint, bytes, PROT_READ | PROT_WRITE,
                                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace lockstep::rt
