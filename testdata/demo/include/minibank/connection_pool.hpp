// A pool of ledger-database connections whose size is bounded by a counting semaphore.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

namespace minibank {

/// A (simulated) connection to the ledger database. Not thread-safe: the pool
/// hands each one to a single thread at a time.
class Connection {
public:
  Connection(std::string endpoint, int id);

  int id() const noexcept { return id_; }
  bool healthy() const noexcept { return healthy_; }
  /// Re-establishes a broken connection (a network round trip).
  void reconnect();
  /// Records one ledger line; a line containing "DROP" breaks the connection
  /// (the server hangs up on it) and returns false.
  bool execute(std::string_view statement);
  std::size_t executed() const noexcept { return executed_; }

private:
  std::string endpoint_;
  int id_;
  bool healthy_ = true;
  std::size_t executed_ = 0;
};

/// At most `size` connections are leased at a time; acquire() waits for one.
class ConnectionPool {
public:
  static constexpr std::ptrdiff_t max_connections = 16;

  /// A leased connection, given back to the pool when the lease is destroyed.
  class Lease {
  public:
    Lease(Lease &&other) noexcept;
    Lease &operator=(Lease &&) = delete;
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    ~Lease();
    Connection &operator*() const noexcept { return *conn_; }
    Connection *operator->() const noexcept { return conn_; }

  private:
    friend class ConnectionPool;
    Lease(ConnectionPool *pool, Connection *conn) noexcept
        : pool_(pool), conn_(conn) {}
    ConnectionPool *pool_;
    Connection *conn_;
  };

  /// Throws std::invalid_argument unless 1 <= \p size <= max_connections.
  ConnectionPool(std::string endpoint, std::size_t size);
  ConnectionPool(const ConnectionPool &) = delete;
  ConnectionPool &operator=(const ConnectionPool &) = delete;

  /// Blocks until a connection is free.
  Lease acquire();
  /// std::nullopt when no connection became free within \p timeout.
  std::optional<Lease> try_acquire_for(std::chrono::milliseconds timeout);
  std::size_t size() const noexcept { return all_.size(); }
  std::size_t idle() const;
  /// Switches the pool to the database key \p version (one rotation at a
  /// time); a version not newer than the current one is ignored. Returns
  /// whether the key changed.
  bool rotate_key(std::uint64_t version);

private:
  void release(Connection *conn);
  Lease take_idle(); // precondition: a slot was acquired and mutex_ is held

  std::counting_semaphore<max_connections> slots_;
  std::binary_semaphore rotating_{1}; // held by the thread rotating the key
  std::uint64_t key_version_ = 0;     // written only while rotating_ is held
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection *> idle_; // guarded by mutex_
};

} // namespace minibank
