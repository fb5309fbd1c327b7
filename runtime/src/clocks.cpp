// Out-of-line parts of vector clocks: growth and release of their storage.
#include "clocks.hpp"

#include <cstring>

#include "rtl.hpp"

namespace lockstep::rt {

vector_clock::~vector_clock() {
  if (c_) internal_free(c_, cap_ * sizeof(std::uint32_t));
}

bool vector_clock::grow(std::uint32_t n) noexcept {
  if (n <= cap_) {
    size_ = n;  // entries between the old size and cap are already zero
    return true;
  }
  std::uint32_t cap = cap_ ? cap_ : 4;
  while (cap < n) cap *= 2;
  auto *c = static_cast<std::uint32_t *>(internal_alloc(cap * sizeof(std::uint32_t)));
  if (!c) return false;  // out of memory: keep the smaller clock (fewer happens-before edges seen)
  if (c_) {
    std::memcpy(c, c_, size_ * sizeof(std::uint32_t));
    internal_free(c_, cap_ * sizeof(std::uint32_t));
  }
  c_ = c;
  cap_ = cap;
  size_ = n;
  return true;
}

}  // namespace lockstep::rt
