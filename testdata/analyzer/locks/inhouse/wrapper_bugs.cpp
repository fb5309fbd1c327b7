// Lock misuse through in-house wrappers that only .lockstep.yaml describes (infra::Mutex, lock_it, Channel::Receive).
#include "infra_mutex.h"

namespace inventory {

// Reserve() holds the mutex and calls Count(), which acquires it again.
class Inventory {
public:
  int Count() noexcept {
    mu_.Acquire();
    int N = items_;
    mu_.Release();
    return N;
  }

  bool Reserve(int N) noexcept {
    mu_.Acquire();
    bool Ok = Count() >= N; // expect: lock-double-lock
    if (Ok)
      items_ -= N;
    mu_.Release();
    return Ok;
  }

  // An early return leaves the mutex acquired.
  bool Restock(int N) noexcept {
    mu_.Acquire(); // expect: lock-not-released
    if (N <= 0)
      return false;
    items_ += N;
    mu_.Release();
    return true;
  }

  // TryAcquire() failed, and the release runs anyway.
  void Audit() noexcept {
    if (!mu_.TryAcquire())
      ++missed_audits_;
    audited_ = items_;
    mu_.Release(); // expect: lock-unlock-not-held
  }

private:
  infra::Mutex mu_;
  int items_ = 0;
  int audited_ = 0;
  int missed_audits_ = 0;
};

} // namespace inventory

namespace mailbox {

// The free-function wrappers: unlock_it() twice, and a blocking receive
// (declared blocking in the config) with the mailbox locked.
struct Mailbox {
  infra::Mutex mu;
  infra::Channel channel;
  int last = 0;
};

void Clear(Mailbox &M) noexcept {
  infra::lock_it(M.mu);
  M.last = 0;
  infra::unlock_it(M.mu);
  infra::unlock_it(M.mu); // expect: lock-unlock-not-held
}

int Next(Mailbox &M) noexcept {
  infra::lock_it(M.mu);
  M.last = M.channel.Receive(); // expect: lock-blocking-under-lock
  int V = M.last;
  infra::unlock_it(M.mu);
  return V;
}

} // namespace mailbox

namespace routing {

// Two in-house mutexes taken in opposite orders.
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
    peers_mu_.Acquire();
    table_mu_.Acquire(); // expect: lock-order-inversion
    --routes_;
    table_mu_.Release();
    peers_mu_.Release();
  }

private:
  infra::Mutex table_mu_;
  infra::Mutex peers_mu_;
  int routes_ = 0;
};

} // namespace routing
