// Uninstantiated template code (dependent calls, undeduced types) that once crashed the analyzer: all silent.
#include <functional>
#include <mutex>
#include <utility>

namespace dependent {

std::mutex mu;
std::function<void(int)> on_event;

// clean: lock-unnamed-guard  a call through an `auto *` whose type is deduced only per instantiation
template <typename Registry> void RunCallback(Registry &r) {
  auto *fn = r.callback();
  fn();
}

// clean: lock-unnamed-guard  a function object called with a dependent argument
template <typename T> void Notify(T value) {
  on_event(value);
}

// clean: lock-unnamed-guard  a builtin called with a dependent argument
template <typename T> void Warm(const T *p) {
  __builtin_prefetch(p);
}

// clean: lock-unnamed-guard  a dependent member call whose result is discarded
template <typename Pool> void Release(Pool &pool) {
  pool.template get<int>().reset();
}

// clean: lock-unnamed-guard  a dependent guard type, named, in a template never instantiated
template <typename M> void LockIt(M &m) {
  std::unique_lock<M> lk(m);
  std::lock_guard<M> g(m, std::adopt_lock);
  lk.unlock();
}

// clean: lock-not-released  an unresolved call to a lock function in a generic lambda
inline void Generic() {
  auto locker = [](auto &m) {
    m.lock();
    m.unlock();
  };
  locker(mu);
}

// clean: lock-double-lock  a dependent call through a pointer to member
template <typename T, typename F> void Apply(T &obj, F T::*member) {
  (obj.*member)();
  std::lock_guard<std::mutex> g(mu);
}

// clean: lock-unnamed-guard  a dependent functional cast that is not a guard
template <typename T> void Convert(T v) {
  (void)T(v);
  (void)std::forward<T>(v);
}

} // namespace dependent
