// unique_lock ownership that moves through swap() or a function's return value: bugs seen through the transfer.
#include <mutex>
#include <utility>

namespace registry {

class Registry {
public:
  std::unique_lock<std::mutex> LockTable() {
    std::unique_lock<std::mutex> Lk(table_mu_);
    return Lk;
  }

  // Takes table_mu_ (through the returned guard), then stats_mu_.
  void Count() {
    auto Lk = LockTable();
    std::lock_guard<std::mutex> G(stats_mu_);
    ++lookups_;
  }

  // The opposite order: a deadlock with Count().
  void Reset() {
    std::lock_guard<std::mutex> G(stats_mu_);
    auto Lk = LockTable(); // expect: lock-order-inversion
    lookups_ = 0;
  }

  // The guard returned already owns table_mu_.
  void Rebuild() {
    auto Lk = LockTable();
    table_mu_.lock(); // expect: lock-double-lock
    ++entries_;
    table_mu_.unlock();
  }

  // After the swap, A owns nothing: unlocking through it is wrong.
  void Swap() {
    std::unique_lock<std::mutex> A(table_mu_);
    std::unique_lock<std::mutex> B;
    A.swap(B);
    ++entries_;
    A.unlock(); // expect: lock-unlock-not-held
  }

  // release() gives the mutex up, and it is unlocked twice by hand.
  void Detach() {
    auto Lk = LockTable();
    Lk.release();
    table_mu_.unlock();
    table_mu_.unlock(); // expect: lock-unlock-not-held
  }

private:
  std::mutex table_mu_;
  std::mutex stats_mu_;
  int lookups_ = 0;
  int entries_ = 0;
};

} // namespace registry
