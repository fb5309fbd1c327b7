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

namespace flags {

void Configure(bool &Verify);

// The local flag changes before the branch (assigned, passed by reference,
// captured by reference): the branch can be taken.
class Cache {
public:
  void Assigned(int V) {
    std::lock_guard<std::mutex> G(mu_);
    bool verify = false;
    if (V < 0)
      verify = true;
    if (verify) {
      std::lock_guard<std::mutex> Again(mu_); // expect: lock-double-lock
    }
  }
  void ByReference() {
    std::lock_guard<std::mutex> G(mu_);
    bool verify = false;
    Configure(verify);
    if (verify) {
      std::lock_guard<std::mutex> Again(mu_); // expect: lock-double-lock
    }
  }
  void Captured(int V) {
    std::lock_guard<std::mutex> G(mu_);
    bool verify = false;
    auto Set = [&] { verify = V > 0; };
    Set();
    if (verify) {
      std::lock_guard<std::mutex> Again(mu_); // expect: lock-double-lock
    }
  }

private:
  std::mutex mu_;
};

} // namespace flags
