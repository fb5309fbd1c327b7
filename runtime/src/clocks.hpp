// Vector clocks and FastTrack epochs: the happens-before arithmetic of the runtime.
//
// A vector clock maps thread slots to logical times. Clocks grow on demand (rare path, internal
// allocator) and never shrink, so the hot verbs (`join`, `assign`, `tick`) touch only as many entries
// as the largest slot that ever contributed: programs with two threads pay for two entries even if
// thousands of threads ran earlier in other slots of other clocks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockstep::rt {

// An epoch is one thread's time: (tid, clock) packed in 64 bits so a shadow cell updates atomically
// under its lock and compares in one instruction. Epoch 0 means "no access yet".
using epoch = std::uint64_t;
constexpr epoch make_epoch(std::uint32_t tid, std::uint32_t clk) noexcept {
  return (static_cast<std::uint64_t>(clk) << 16) | tid;
}
constexpr std::uint32_t epoch_tid(epoch e) noexcept { return static_cast<std::uint32_t>(e & 0xffff); }
constexpr std::uint32_t epoch_clock(epoch e) noexcept { return static_cast<std::uint32_t>(e >> 16); }

class vector_clock {
public:
  vector_clock() noexcept = default;
  ~vector_clock();
  vector_clock(const vector_clock &) = delete;
  vector_clock &operator=(const vector_clock &) = delete;

  std::uint32_t get(std::uint32_t tid) const noexcept { return tid < size_ ? c_[tid] : 0; }
  void set(std::uint32_t tid, std::uint32_t v) noexcept {
    if (tid >= size_ && !grow(tid + 1)) return;
    c_[tid] = v;
  }
  // Advances tid's own component: the step after a release, so later events are not covered by it.
  void tick(std::uint32_t tid) noexcept {
    if (tid >= size_ && !grow(tid + 1)) return;
    ++c_[tid];
  }
  // this = pointwise max(this, o): the core of `acquire` (thread joins the sync clock) and of
  // `release` (sync clock joins the thread's).
  void join(const vector_clock &o) noexcept {
    if (o.size_ > size_) grow(o.size_);
    const std::uint32_t n = o.size_ < size_ ? o.size_ : size_;
    for (std::uint32_t i = 0; i < n; ++i)
      if (o.c_[i] > c_[i]) c_[i] = o.c_[i];
  }
  // this = o: `release_store` (an exclusive unlock overwrites what earlier owners left, since the
  // new owner's clock already covers it).
  void assign(const vector_clock &o) noexcept {
    if (o.size_ > size_) grow(o.size_);
    const std::uint32_t n = o.size_ < size_ ? o.size_ : size_;
    for (std::uint32_t i = 0; i < n; ++i) c_[i] = o.c_[i];
    for (std::uint32_t i = n; i < size_; ++i) c_[i] = 0;
  }
  // True when every component of this is <= the one of o (this happens before or equals o).
  bool leq(const vector_clock &o) const noexcept {
    for (std::uint32_t i = 0; i < size_; ++i)
      if (c_[i] > o.get(i)) return false;
    return true;
  }
  // An epoch happens before this clock when its thread's component already covers it.
  bool covers(epoch e) const noexcept { return epoch_clock(e) <= get(epoch_tid(e)); }
  void reset() noexcept {
    for (std::uint32_t i = 0; i < size_; ++i) c_[i] = 0;
  }
  std::uint32_t size() const noexcept { return size_; }

private:
  bool grow(std::uint32_t n) noexcept;  // out of line: rare; false when out of memory
  std::uint32_t *c_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 0;
};

}  // namespace lockstep::rt
