// Bank accounts: a balance guarded by a per-account mutex, and transfers between two accounts.
#pragma once

#include "minibank/transfer.hpp"

#include <cstddef>
#include <mutex>

namespace minibank {

/// Decides whether a transfer may go ahead (limits, fraud screening). Called
/// while the source account is locked, so it sees a stable balance; it must
/// not touch the accounts itself.
class TransferPolicy {
public:
  virtual ~TransferPolicy() = default;
  virtual bool allow(std::size_t from, std::size_t to, Cents amount) = 0;
};

/// A policy that allows everything.
class AllowAll final : public TransferPolicy {
public:
  bool allow(std::size_t, std::size_t, Cents) override { return true; }
};

/// All members may be called from any thread. Amounts must be positive
/// (std::invalid_argument otherwise).
class Account {
public:
  Account(std::size_t id, Cents opening_balance);
  Account(const Account &) = delete;
  Account &operator=(const Account &) = delete;

  std::size_t id() const noexcept { return id_; }
  Cents balance() const;
  bool frozen() const;
  void deposit(Cents amount);
  /// False (and no change) when the account is frozen or the balance is short.
  bool withdraw(Cents amount);
  void freeze();
  /// Credits interest of \p basis_points / 10000 of the balance.
  void add_interest(int basis_points);
  /// Moves \p amount to \p to when both accounts are open, the balance
  /// suffices and \p policy allows it; returns whether it did.
  bool transfer_to(Account &to, Cents amount, TransferPolicy &policy);

private:
  const std::size_t id_;
  mutable std::mutex mutex_;
  Cents balance_; // guarded by mutex_
  bool frozen_ = false; // guarded by mutex_
};

} // namespace minibank
