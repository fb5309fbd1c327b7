// Branches on constants that are false: the code under them never runs, so it finds nothing.
#include <mutex>

namespace debug {

class Index {
public:
  // clean: lock-double-lock  a self-check under a local constant false is never run
  void Insert(int K) {
    const bool kParanoid = false;
    std::lock_guard<std::mutex> G(mu_);
    keys_[n_++ % 16] = K;
    if (kParanoid)
      Verify();
  }

  // clean: lock-not-released  an early return under a constexpr false
  void Erase(int K) {
    constexpr bool kDryRun = false;
    mu_.lock();
    if (kDryRun)
      return;
    for (int I = 0; I < 16; ++I)
      if (keys_[I] == K)
        keys_[I] = 0;
    mu_.unlock();
  }

  // clean: lock-unlock-not-held  code disabled with if (false)
  void Clear() {
    std::lock_guard<std::mutex> G(mu_);
    n_ = 0;
    if (false)
      mu_.unlock();
  }

  // clean: lock-double-lock  a constant false on the left of &&
  void Touch(bool Force) {
    const bool kCheck = false;
    std::lock_guard<std::mutex> G(mu_);
    ++n_;
    if (kCheck && Force)
      Verify();
  }

private:
  void Verify() {
    std::lock_guard<std::mutex> G(mu_);
    for (int I = 0; I < 16; ++I)
      if (keys_[I] < 0)
        keys_[I] = 0;
  }

  std::mutex mu_;
  int keys_[16] = {};
  int n_ = 0;
};

} // namespace debug

namespace flags {

// clean: lock-double-lock  a local flag only ever read keeps its initial false
class Cache {
public:
  void Put(int V) {
    std::lock_guard<std::mutex> G(mu_);
    bool verify = false;
    v_ = V;
    if (verify) {
      std::lock_guard<std::mutex> Again(mu_);
    }
  }
  // clean: lock-not-released  `!done` of a local that stays true
  void Drain() {
    bool done = true;
    mu_.lock();
    while (!done)
      return;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int v_ = 0;
};

} // namespace flags
