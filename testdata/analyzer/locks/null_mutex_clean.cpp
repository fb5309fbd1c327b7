// Null mutexes: user types whose lock() and unlock() visibly do nothing are not locks.
#include <mutex>

namespace single_threaded {

// Stands in for a mutex in single-threaded builds.
struct NullMutex {
  void lock() {}
  void unlock() {}
  bool try_lock() { return true; }
};

// clean: lock-double-lock  a null mutex locked again through a helper locks nothing
class Stats {
public:
  void Add(int V) {
    std::lock_guard<NullMutex> G(mu_);
    total_ += V;
    Log();
  }

private:
  void Log() {
    std::lock_guard<NullMutex> G(mu_);
    ++logged_;
  }

  NullMutex mu_;
  long total_ = 0;
  long logged_ = 0;
};

// clean: lock-double-lock  a template over its mutex type, instantiated with the null mutex
template <typename Mutex> class Cache {
public:
  void Put(int K) {
    std::lock_guard<Mutex> G(mu_);
    last_ = K;
    Touch();
  }

private:
  void Touch() {
    std::lock_guard<Mutex> G(mu_);
    ++touched_;
  }

  Mutex mu_;
  int last_ = 0;
  int touched_ = 0;
};

template class Cache<NullMutex>;

} // namespace single_threaded
