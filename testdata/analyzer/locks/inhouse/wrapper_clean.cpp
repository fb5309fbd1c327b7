// Correct use of in-house wrappers that only .lockstep.yaml describes: none of this may be reported.
#include "infra_mutex.h"

namespace inventory {

class Inventory {
public:
  // clean: lock-double-lock  the helper is called after the wrapper mutex was released
  bool Reserve(int N) noexcept {
    mu_.Acquire();
    bool Ok = items_ >= N;
    if (Ok)
      items_ -= N;
    mu_.Release();
    return Ok && Count() >= 0;
  }

  int Count() noexcept {
    mu_.Acquire();
    int N = items_;
    mu_.Release();
    return N;
  }

  // clean: lock-not-released  every return releases the in-house mutex first
  bool Restock(int N) noexcept {
    mu_.Acquire();
    if (N <= 0) {
      mu_.Release();
      return false;
    }
    items_ += N;
    mu_.Release();
    return true;
  }

  // clean: lock-unlock-not-held  Release() only when TryAcquire() succeeded
  void Audit() noexcept {
    if (!mu_.TryAcquire()) {
      ++missed_audits_;
      return;
    }
    audited_ = items_;
    mu_.Release();
  }

private:
  infra::Mutex mu_;
  int items_ = 0;
  int audited_ = 0;
  int missed_audits_ = 0;
};

} // namespace inventory

namespace mailbox {

struct Mailbox {
  infra::Mutex mu;
  infra::Channel channel;
  int last = 0;
};

// clean: lock-blocking-under-lock  the blocking receive happens before the mailbox is locked
int Next(Mailbox &M) noexcept {
  int V = M.channel.Receive();
  infra::lock_it(M.mu);
  M.last = V;
  infra::unlock_it(M.mu);
  return V;
}

// clean: lock-unlock-not-held  lock_it / unlock_it paired on both branches
void Reset(Mailbox &M, bool Hard) noexcept {
  infra::lock_it(M.mu);
  if (Hard) {
    M.last = -1;
    infra::unlock_it(M.mu);
    return;
  }
  M.last = 0;
  infra::unlock_it(M.mu);
}

} // namespace mailbox

namespace routing {

// clean: lock-order-inversion  both functions take the in-house mutexes in the same order
class Router {
public:
  void AddRoute() noexcept {
    table_mu_.Acquire();
    peers_mu_.Acquire();
    ++routes_;
    peers_mu_.Release();
    table_mu_.Release();
  }

  void DropPeer() noexcept {
    table_mu_.Acquire();
    peers_mu_.Acquire();
    --routes_;
    peers_mu_.Release();
    table_mu_.Release();
  }

private:
  infra::Mutex table_mu_;
  infra::Mutex peers_mu_;
  int routes_ = 0;
};

} // namespace routing
