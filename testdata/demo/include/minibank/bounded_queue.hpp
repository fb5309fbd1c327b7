// A bounded multi-producer/multi-consumer queue of transfer orders (mutex + two condition variables).
#pragma once

#include "minibank/transfer.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace minibank {

struct QueueStats {
  std::uint64_t pushed = 0;
  std::uint64_t popped = 0;
  std::size_t size = 0;
};

/// Producers block while the queue is full, consumers while it is empty.
/// close() wakes everyone: later pushes fail, pops drain what is left and
/// then return std::nullopt. All members may be called from any thread.
class BoundedQueue {
public:
  /// Throws std::invalid_argument when \p capacity is 0.
  explicit BoundedQueue(std::size_t capacity);

  /// Blocks until there is room; returns false (dropping \p item) once closed.
  bool push(Transfer item);
  /// Blocks until an item arrives; std::nullopt when closed and drained.
  std::optional<Transfer> pop();
  /// Like pop(), but gives up after \p timeout.
  std::optional<Transfer> pop_for(std::chrono::milliseconds timeout);
  /// Idempotent.
  void close();

  QueueStats stats() const;

private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<Transfer> items_;
  const std::size_t capacity_;
  bool closed_ = false;
  std::uint64_t pushed_ = 0;
  std::uint64_t popped_ = 0;
};

} // namespace minibank
