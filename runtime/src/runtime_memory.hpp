// Address space for the runtime's own memory.
#pragma once

#include <cstddef>

namespace lockstep::rt {

// Zeroed, readable and writable memory of `bytes` for the runtime (pages cost only once touched);
// null when out of address space. A system call, never the interposed mmap. The ranges are taken far
// from where the kernel puts the program's mappings (top-down below the stack) and its heap (low), so
// the runtime never takes an address range the program has just unmapped and maps again with
// MAP_FIXED_NOREPLACE. (A hint only: where it is taken, the kernel picks another range.)
void *map_runtime_range(std::size_t bytes) noexcept;

}  // namespace lockstep::rt
