// BoundedQueue: the producer/consumer hand-off between statement importers and ledger workers.
#include "minibank/bounded_queue.hpp"

#include "minibank/annotations.hpp"

#include <stdexcept>
#include <utility>

namespace minibank {

BoundedQueue::BoundedQueue(std::size_t capacity) : capacity_(capacity) {
  if (capacity == 0)
    throw std::invalid_argument("BoundedQueue: capacity must be at least 1");
}

bool BoundedQueue::push(Transfer item) {
  {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [this] { return closed_ || items_.size() < capacity_; });
    if (closed_)
      return false;
    items_.push_back(std::move(item));
  }
  // Notify after unlocking so the woken consumer does not block on mutex_ at once.
  not_empty_.notify_one();
  // RUNTIME-BUG(data-race): the statistics update moved out of the critical
  // section together with the notify; two producers now increment pushed_
  // concurrently (lost updates), and stats() reads it under a lock the
  // writers no longer hold.
  MINIBANK_WRITE(pushed_);
  ++pushed_;
  return true;
}

std::optional<Transfer> BoundedQueue::pop() {
  std::unique_lock lock(mutex_);
  not_empty_.wait(lock, [this] { return closed_ || !items_.empty(); });
  if (items_.empty())
    return std::nullopt; // closed and drained
  Transfer item = std::move(items_.front());
  items_.pop_front();
  ++popped_;
  lock.unlock();
  not_full_.notify_one();
  return item;
}

std::optional<Transfer> BoundedQueue::pop_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (items_.empty()) {
    if (closed_)
      return std::nullopt;
    // BUG(cv-wait-without-predicate): a wait that ends without a timeout does
    // not mean an item is there: wakeups can be spurious, and another consumer
    // may take the item first. front() below then reads an empty deque.
    if (not_empty_.wait_for(lock, timeout) == std::cv_status::timeout)
      return std::nullopt;
  }
  Transfer item = std::move(items_.front());
  items_.pop_front();
  ++popped_;
  lock.unlock();
  not_full_.notify_one();
  return item;
}

void BoundedQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

QueueStats BoundedQueue::stats() const {
  std::lock_guard lock(mutex_);
  MINIBANK_READ(pushed_);
  return QueueStats{pushed_, popped_, items_.size()};
}

} // namespace minibank
