//===- ChecksTest.cpp - Each check on buggy snippets and clean look-alikes ===//
//
// Every snippet marks the lines where findings are expected with a trailing
// `// !<check-id>`; the test asserts that the (check, line) list of the run
// is exactly the marked list, so a missing or an extra finding fails.
//
//===----------------------------------------------------------------------===//
#include "RunChecks.h"
#include "gtest/gtest.h"
#include <sstream>

using namespace lockstep;
using namespace lockstep::test;
using IdLines = std::vector<std::pair<std::string, unsigned>>;

namespace {

const char *Prelude = R"cpp(#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <semaphore>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>
)cpp";

/// Lines of the prelude, so that marks count from the snippet's first line.
unsigned preludeLines() {
  unsigned N = 0;
  for (const char *P = Prelude; *P; ++P)
    N += *P == '\n';
  return N;
}

IdLines marked(const std::string &Code) {
  IdLines R;
  std::istringstream In(Code);
  std::string Line;
  unsigned N = preludeLines();
  while (std::getline(In, Line)) {
    ++N;
    size_t Pos = 0;
    while ((Pos = Line.find("// !", Pos)) != std::string::npos) {
      Pos += 4;
      size_t End = Line.find_first_of(" \t", Pos);
      R.push_back({Line.substr(Pos, End == std::string::npos ? End : End - Pos),
                   N});
    }
  }
  std::sort(R.begin(), R.end());
  return R;
}

void expectMarked(const std::string &Code, const Config &Cfg = Config()) {
  auto Findings = runChecks(Prelude + Code, "", Cfg);
  EXPECT_EQ(idLines(Findings), marked(Code)) << Code;
}

// --- lock-double-lock ----------------------------------------------------

TEST(DoubleLock, DirectAndThroughHelper) {
  expectMarked(R"cpp(
struct Cache {
  std::mutex mu_;
  int n_ = 0;
  int size() { std::lock_guard<std::mutex> g(mu_); return n_; }
  void twice() {
    mu_.lock();
    this->mu_.lock(); // !lock-double-lock
    mu_.unlock();
    mu_.unlock();
  }
  int viaHelper() {
    std::lock_guard<std::mutex> g(mu_);
    return size(); // !lock-double-lock
  }
};
)cpp");
}

TEST(DoubleLock, CleanLookAlikes) {
  expectMarked(R"cpp(
struct Account { std::mutex mu; int v = 0; };
void transfer(Account &a, Account &b) {
  std::lock(a.mu, b.mu);
  std::lock_guard<std::mutex> ga(a.mu, std::adopt_lock);
  std::lock_guard<std::mutex> gb(b.mu, std::adopt_lock);
  a.v -= 1; b.v += 1;
}
struct Tree {
  std::recursive_mutex mu_;
  int walk(int d) { std::lock_guard<std::recursive_mutex> g(mu_); return d ? walk(d - 1) : 0; }
  int twice() { std::lock_guard<std::recursive_mutex> g(mu_); std::lock_guard<std::recursive_mutex> h(mu_); return 1; }
};
struct Store {
  std::shared_mutex mu_;
  int v = 0;
  int read() { std::shared_lock<std::shared_mutex> a(mu_); std::shared_lock<std::shared_mutex> b(mu_); return v; }
  void relock() { std::unique_lock<std::shared_mutex> lk(mu_); lk.unlock(); lk.lock(); }
};
)cpp");
}

// --- lock-unlock-not-held -------------------------------------------------

TEST(UnlockNotHeld, DoubleUnlockAndMaybeHeld) {
  expectMarked(R"cpp(
std::mutex m;
int count;
void twice() {
  m.lock();
  m.unlock();
  m.unlock(); // !lock-unlock-not-held
}
void someTimes(bool c) {
  m.lock();
  if (c)
    m.unlock();
  m.unlock(); // !lock-unlock-not-held
}
void ignoredTry() {
  m.try_lock();
  ++count;
  m.unlock(); // !lock-unlock-not-held
}
void movedFrom() {
  std::unique_lock<std::mutex> lk(m);
  std::unique_lock<std::mutex> other = std::move(lk);
  lk.unlock(); // !lock-unlock-not-held
}
)cpp");
}

TEST(UnlockNotHeld, CleanLookAlikes) {
  expectMarked(R"cpp(
std::mutex m;
int count;
void unlockForCaller() { m.unlock(); }       // an Unlock() wrapper
void correlated(bool c) {
  if (c) m.lock();
  ++count;
  if (c) m.unlock();
}
void tryBranch() {
  if (!m.try_lock())
    return;
  ++count;
  m.unlock();
}
void pthreadTry(pthread_mutex_t *p) {
  if (pthread_mutex_trylock(p) == 0) {
    ++count;
    pthread_mutex_unlock(p);
  }
}
void guardTry() {
  std::unique_lock<std::mutex> lk(m, std::try_to_lock);
  if (lk.owns_lock()) {
    ++count;
    lk.unlock();
  }
}
void caller() { m.lock(); unlockForCaller(); }
)cpp");
}

// --- lock-not-released ----------------------------------------------------

TEST(NotReleased, EarlyReturnAndException) {
  expectMarked(R"cpp(
std::mutex m;
std::vector<int> v;
int early(int x) {
  m.lock(); // !lock-not-released
  if (x < 0)
    return -1;
  m.unlock();
  return x;
}
void throws(int x) {
  m.lock(); // !lock-not-released
  v.at(x) = 0;
  m.unlock();
}
void grows(int x) {
  m.lock(); // push_back throws only when memory runs out: not reported
  v.push_back(x);
  m.unlock();
}
void released() {
  std::unique_lock<std::mutex> lk(m); // !lock-not-released
  lk.release();
}
)cpp");
}

TEST(NotReleased, AllCallsMayThrowOption) {
  Config Cfg;
  Cfg.CheckOptions["lock-not-released.AllCallsMayThrow"] = true;
  expectMarked(R"cpp(
std::mutex m;
std::vector<int> v;
void helper();
void grows(int x) {
  m.lock(); // !lock-not-released
  v.push_back(x);
  m.unlock();
}
void calls() {
  m.lock(); // !lock-not-released
  helper();
  m.unlock();
}
)cpp",
               Cfg);
}

TEST(NotReleased, CleanLookAlikes) {
  expectMarked(R"cpp(
std::mutex m;
int n;
void Lock() { m.lock(); }                  // a wrapper: returns holding m
bool TryLock() { if (!m.try_lock()) return false; return true; }
void fatal(int x) {
  m.lock();
  if (x < 0)
    std::abort();
  m.unlock();
}
void noThrow(int x) noexcept {
  m.lock();
  n += x;
  m.unlock();
}
struct Holder {
  explicit Holder(std::mutex &mu) : mu_(mu) { mu_.lock(); }
  ~Holder() { mu_.unlock(); }
  std::mutex &mu_;
};
void raii() { Holder h(m); ++n; }
void user() { Lock(); ++n; m.unlock(); if (TryLock()) m.unlock(); }
)cpp");
}

// --- lock-unnamed-guard ---------------------------------------------------

TEST(UnnamedGuard, TemporariesAndParenDeclarations) {
  expectMarked(R"cpp(
std::mutex m;
int n;
void a() {
  std::lock_guard<std::mutex>{m}; // !lock-unnamed-guard
  ++n;
}
void b() {
  std::unique_lock<std::mutex>(m); // !lock-unnamed-guard
  ++n;
}
void c() {
  std::scoped_lock{m}; // !lock-unnamed-guard
  ++n;
}
std::mutex m2;
void clean() {
  std::lock_guard<std::mutex> g{m};
  std::unique_lock<std::mutex> lk;
  lk = std::unique_lock<std::mutex>(m2);
  ++n;
}
)cpp");
}

// --- lock-blocking-under-lock ----------------------------------------------

TEST(BlockingUnderLock, SleepJoinSemaphoreAndForeignWait) {
  expectMarked(R"cpp(
std::mutex m, other;
std::condition_variable cv;
std::counting_semaphore<4> sem(4);
bool ready;
void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }
void a(std::thread &t) {
  std::lock_guard<std::mutex> g(m);
  std::this_thread::sleep_for(std::chrono::milliseconds(1)); // !lock-blocking-under-lock
  t.join(); // !lock-blocking-under-lock
  sem.acquire(); // !lock-blocking-under-lock
  nap(); // !lock-blocking-under-lock
}
void b() {
  std::lock_guard<std::mutex> g(other);
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [] { return ready; }); // !lock-blocking-under-lock
}
)cpp");
}

TEST(BlockingUnderLock, CleanLookAlikes) {
  expectMarked(R"cpp(
std::mutex m;
std::condition_variable cv;
bool ready;
void ownLock() {
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [] { return ready; });
}
void afterScope() {
  {
    std::lock_guard<std::mutex> g(m);
    ready = false;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void unlocked() {
  std::unique_lock<std::mutex> lk(m);
  ready = true;
  lk.unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
)cpp");
}

// --- lock-order-inversion --------------------------------------------------

TEST(OrderInversion, MembersGlobalsAndCalls) {
  expectMarked(R"cpp(
struct Bank {
  std::mutex a_, b_;
  int n = 0;
  void f() { std::lock_guard<std::mutex> x(a_); std::lock_guard<std::mutex> y(b_); ++n; }
  void g() { std::lock_guard<std::mutex> y(b_); std::lock_guard<std::mutex> x(a_); ++n; } // !lock-order-inversion
};
std::mutex g1, g2;
int k;
void takeG2() { std::lock_guard<std::mutex> l(g2); ++k; }
void h() { std::lock_guard<std::mutex> l(g1); takeG2(); }
void i() { std::lock_guard<std::mutex> l(g2); std::lock_guard<std::mutex> l1(g1); ++k; } // !lock-order-inversion
)cpp");
}

TEST(OrderInversion, CleanLookAlikes) {
  expectMarked(R"cpp(
std::mutex a, b, gate;
int n;
void together1() { std::scoped_lock l(a, b); ++n; }
void together2() { std::scoped_lock l(b, a); ++n; }
void both() { std::lock(a, b); a.unlock(); b.unlock(); }
void gated1() { std::lock_guard<std::mutex> g(gate); std::lock_guard<std::mutex> x(a); std::lock_guard<std::mutex> y(b); }
void gated2() { std::lock_guard<std::mutex> g(gate); std::lock_guard<std::mutex> y(b); std::lock_guard<std::mutex> x(a); }
struct Acct { std::mutex mu; int v = 0; };
void move(Acct &from, Acct &to) {
  std::lock_guard<std::mutex> l1(from.mu);
  std::lock_guard<std::mutex> l2(to.mu);
  from.v--; to.v++;
}
)cpp");
}

// --- cv-wait-without-predicate ----------------------------------------------

TEST(CvWait, WithoutPredicateOutsideARecheckingLoop) {
  expectMarked(R"cpp(
std::mutex m;
std::condition_variable cv;
bool ready;
void a() {
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk); // !cv-wait-without-predicate
}
void b() {
  std::unique_lock<std::mutex> lk(m);
  while (true) {
    cv.wait_for(lk, std::chrono::seconds(1)); // !cv-wait-without-predicate
    if (ready) break;
  }
}
void clean1() {
  std::unique_lock<std::mutex> lk(m);
  while (!ready)
    cv.wait(lk);
}
void clean2() {
  std::unique_lock<std::mutex> lk(m);
  for (;;) {
    if (ready) break;
    cv.wait(lk);
  }
}
void clean3() {
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [] { return ready; });
}
)cpp");
}

// --- configuration and annotations ------------------------------------------

TEST(Model, ConfigWrappersAndBlockingFunctions) {
  Config Cfg;
  WrapperSpec Acq;
  Acq.Function = "infra::Mu::Acquire";
  Acq.Kind = WrapperSpec::Effect::Acquire;
  WrapperSpec Rel = Acq;
  Rel.Function = "infra::Mu::Release";
  Rel.Kind = WrapperSpec::Effect::Release;
  WrapperSpec LockIt = Acq;
  LockIt.Function = "infra::lock_it";
  LockIt.Argument = 0;
  Cfg.Wrappers = {Acq, Rel, LockIt};
  Cfg.BlockingFunctions = {"infra::wait_msg"};
  expectMarked(R"cpp(
namespace infra {
struct Mu { void Acquire() noexcept; void Release() noexcept; };
void lock_it(Mu &) noexcept;
int wait_msg() noexcept;
}
infra::Mu mu;
int n;
void a() {
  mu.Acquire();
  infra::lock_it(mu); // !lock-double-lock
  mu.Release();
}
void b() {
  mu.Acquire();
  n = infra::wait_msg(); // !lock-blocking-under-lock
  mu.Release();
}
void c() noexcept {
  mu.Acquire(); // !lock-not-released
  if (n) return;
  mu.Release();
}
)cpp",
               Cfg);
}

TEST(Model, ThreadSafetyAttributes) {
  expectMarked(R"cpp(
class __attribute__((capability("mutex"))) Spin {
public:
  void Lock() __attribute__((acquire_capability()));
  void Unlock() __attribute__((release_capability()));
  bool TryLock() __attribute__((try_acquire_capability(true)));
};
class __attribute__((scoped_lockable)) SpinGuard {
public:
  explicit SpinGuard(Spin &s) __attribute__((acquire_capability(s)));
  ~SpinGuard() __attribute__((release_capability()));
};
Spin s;
int n;
void a() {
  SpinGuard g(s);
  s.Lock(); // !lock-double-lock
}
void b() noexcept {
  if (s.TryLock()) {
    ++n;
    s.Unlock();
  }
  s.Unlock(); // !lock-unlock-not-held
}
)cpp");
}

// --- patterns of real code bases (leveldb) --------------------------------

TEST(RealCode, CallerHeldLocksAndConditionVariableWrappers) {
  expectMarked(R"cpp(
class __attribute__((capability("mutex"))) Mutex {
public:
  void Lock() __attribute__((acquire_capability())) { mu_.lock(); }
  void Unlock() __attribute__((release_capability())) { mu_.unlock(); }
  void AssertHeld() __attribute__((assert_capability(this))) {}
  std::mutex mu_;
};
class CondVar {
public:
  explicit CondVar(Mutex *mu) : mu_(mu) {}
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
private:
  std::condition_variable cv_;
  Mutex *const mu_;
};
struct DB {
  Mutex mutex_;
  CondVar done_{&mutex_};
  bool busy_ = false;
  int files_ = 0;
  void RemoveFiles(bool ok) {      // expects mutex_ held
    if (!ok) return;
    mutex_.Unlock();
    ++files_;
    mutex_.Lock();
  }
  void Compact() {
    mutex_.AssertHeld();
    mutex_.Unlock();
    ++files_;
    mutex_.Lock();
  }
  void Close() {
    mutex_.Lock();
    while (busy_)
      done_.Wait();
    RemoveFiles(true);
    Compact();
    mutex_.Unlock();
  }
};
)cpp");
}

} // namespace
