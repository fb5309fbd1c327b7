// ConnectionPool: leases ledger-database connections, at most `size` at a time (counting semaphore).
#include "minibank/connection_pool.hpp"

#include <stdexcept>
#include <utility>

namespace minibank {

Connection::Connection(std::string endpoint, int id)
    : endpoint_(std::move(endpoint)), id_(id) {}

void Connection::reconnect() {
  if (endpoint_.empty())
    throw std::runtime_error("Connection " + std::to_string(id_) +
                             ": no endpoint to reconnect to");
  healthy_ = true;
}

bool Connection::execute(std::string_view statement) {
  if (!healthy_)
    throw std::logic_error("Connection " + std::to_string(id_) +
                           ": execute() on a broken connection");
  if (statement.find("DROP") != std::string_view::npos) {
    healthy_ = false;
    return false;
  }
  ++executed_;
  return true;
}

ConnectionPool::Lease::Lease(Lease &&other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      conn_(std::exchange(other.conn_, nullptr)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_)
    pool_->release(conn_);
}

ConnectionPool::ConnectionPool(std::string endpoint, std::size_t size)
    : slots_(static_cast<std::ptrdiff_t>(size)) {
  if (size == 0 || size > static_cast<std::size_t>(max_connections))
    throw std::invalid_argument("ConnectionPool: size must be between 1 and " +
                                std::to_string(max_connections));
  for (std::size_t i = 0; i < size; ++i) {
    all_.push_back(std::make_unique<Connection>(endpoint, static_cast<int>(i)));
    idle_.push_back(all_.back().get());
  }
}

ConnectionPool::Lease ConnectionPool::take_idle() {
  // Holding a slot guarantees an idle connection: there are as many slots as
  // connections, and a connection goes back to idle_ before its slot is freed.
  Connection *conn = idle_.back();
  idle_.pop_back();
  return Lease(this, conn);
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::lock_guard lock(mutex_);
  // BUG(lock-blocking-under-lock): waiting for a free slot while holding
  // mutex_. When every connection is leased, the thread that would free a
  // slot blocks in release() on mutex_, so neither ever proceeds.
  slots_.acquire();
  return take_idle();
}

std::optional<ConnectionPool::Lease>
ConnectionPool::try_acquire_for(std::chrono::milliseconds timeout) {
  if (!slots_.try_acquire_for(timeout))
    return std::nullopt;
  std::lock_guard lock(mutex_);
  return take_idle();
}

bool ConnectionPool::rotate_key(std::uint64_t version) {
  rotating_.acquire();
  if (version <= key_version_) {
    // An older key arrived late: keep the current one.
    rotating_.release();
  }
  const bool changed = version > key_version_;
  if (changed)
    key_version_ = version;
  // BUG(sem-release-exceeds-max): a late, older key was already released
  // above (the early return is missing), so the binary semaphore is released
  // twice and its count would go above 1: two threads may then rotate at once.
  rotating_.release();
  return changed;
}

std::size_t ConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void ConnectionPool::release(Connection *conn) {
  std::unique_lock lock(mutex_);
  if (!conn->healthy()) {
    // Reconnecting is a network round trip: let other threads use the pool
    // meanwhile.
    lock.unlock();
    conn->reconnect();
  }
  idle_.push_back(conn);
  // BUG(lock-unlock-not-held): after a reconnect the lock was already released
  // above and never retaken, so this unlocks a mutex the thread does not hold
  // (std::system_error), and idle_ was modified without the lock.
  lock.unlock();
  slots_.release();
}

} // namespace minibank
