// unique_lock ownership that moves through swap() or a function's return value, used correctly.
#include <mutex>
#include <utility>

namespace registry {

class Registry {
public:
  std::unique_lock<std::mutex> LockTable() {
    std::unique_lock<std::mutex> Lk(table_mu_);
    return Lk;
  }

  std::unique_lock<std::mutex> LockStats() {
    return std::unique_lock<std::mutex>(stats_mu_);
  }

  // clean: lock-unlock-not-held  the returned guard owns table_mu_; release() hands it to the manual unlock
  void Detach() {
    auto Lk = LockTable();
    ++entries_;
    Lk.release();
    table_mu_.unlock();
  }

  // clean: lock-unlock-not-held  swap() moves ownership into B, which unlocks it
  void Swap() {
    std::unique_lock<std::mutex> A(table_mu_);
    std::unique_lock<std::mutex> B;
    A.swap(B);
    ++entries_;
    B.unlock();
  }

  // clean: lock-unlock-not-held  std::swap of two guards, each unlocked through its new owner
  void SwapBoth() {
    std::unique_lock<std::mutex> A(table_mu_);
    std::unique_lock<std::mutex> B(stats_mu_);
    std::swap(A, B);
    A.unlock();
    B.unlock();
  }

  // clean: lock-order-inversion  both functions take table_mu_ before stats_mu_
  void Count() {
    auto Lk = LockTable();
    auto St = LockStats();
    ++lookups_;
  }
  void Audit() {
    std::lock_guard<std::mutex> G(table_mu_);
    auto St = LockStats();
    ++lookups_;
  }

  // clean: lock-double-lock  the returned guard is unlocked before the mutex is taken again
  void Refresh() {
    auto Lk = LockTable();
    Lk.unlock();
    table_mu_.lock();
    ++entries_;
    table_mu_.unlock();
  }

private:
  std::mutex table_mu_;
  std::mutex stats_mu_;
  int lookups_ = 0;
  int entries_ = 0;
};

} // namespace registry
