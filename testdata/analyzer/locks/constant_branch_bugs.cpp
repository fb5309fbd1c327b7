// Branches on constants that are true, or on flags that can change: the code under them runs.
#include <mutex>

namespace debug {

bool g_paranoid = false; // set from the command line

class Index {
public:
  // The constant is true: the self-check runs with mu_ held.
  void Insert(int K) {
    const bool kParanoid = true;
    std::lock_guard<std::mutex> G(mu_);
    keys_[n_++ % 16] = K;
    if (kParanoid)
      Verify(); // expect: lock-double-lock
  }

  // A global flag may be set at run time.
  void Touch() {
    std::lock_guard<std::mutex> G(mu_);
    ++n_;
    if (g_paranoid)
      Verify(); // expect: lock-double-lock
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
