// Account: per-account balances under a mutex, deposits, withdrawals, interest and transfers.
#include "minibank/account.hpp"

#include <stdexcept>
#include <string>

namespace minibank {

namespace {
void check_amount(Cents amount, const char *what) {
  if (amount <= 0)
    throw std::invalid_argument(std::string("Account::") + what +
                                ": amount must be positive, got " +
                                std::to_string(amount));
}
} // namespace

Account::Account(std::size_t id, Cents opening_balance)
    : id_(id), balance_(opening_balance) {}

Cents Account::balance() const {
  std::lock_guard lock(mutex_);
  return balance_;
}

bool Account::frozen() const {
  std::lock_guard lock(mutex_);
  return frozen_;
}

void Account::deposit(Cents amount) {
  check_amount(amount, "deposit");
  std::lock_guard lock(mutex_);
  balance_ += amount;
}

bool Account::withdraw(Cents amount) {
  check_amount(amount, "withdraw");
  mutex_.lock();
  if (frozen_) {
    // BUG(lock-not-released): this early return (added with account
    // freezing) leaves mutex_ locked; the next call on this account hangs.
    return false;
  }
  if (balance_ < amount) {
    mutex_.unlock();
    return false;
  }
  balance_ -= amount;
  mutex_.unlock();
  return true;
}

void Account::freeze() {
  std::lock_guard lock(mutex_);
  frozen_ = true;
}

void Account::add_interest(int basis_points) {
  std::lock_guard lock(mutex_);
  if (frozen_)
    return;
  // BUG(lock-double-lock): balance() locks mutex_ again while this function
  // holds it; std::mutex is not recursive, so the thread deadlocks on itself.
  balance_ += balance() * basis_points / 10000;
}

bool Account::transfer_to(Account &to, Cents amount, TransferPolicy &policy) {
  check_amount(amount, "transfer_to");
  if (&to == this)
    throw std::invalid_argument("Account::transfer_to: source and destination are the same account");
  std::lock_guard from_lock(mutex_);
  if (frozen_ || balance_ < amount)
    return false;
  if (!policy.allow(id_, to.id_, amount))
    return false;
  // RUNTIME-BUG(deadlock): the source is locked before the destination, so a
  // transfer a->b and a concurrent transfer b->a each hold one lock and wait
  // for the other. (Fix: std::scoped_lock both at once.)
  std::lock_guard to_lock(to.mutex_);
  if (to.frozen_)
    return false;
  balance_ -= amount;
  to.balance_ += amount;
  return true;
}

} // namespace minibank
