// In-process tests of liblockstep through the interposed pthread functions and the drop-in types:
// each test provokes (or carefully avoids) one report kind and checks what the observer saw.
#include <gtest/gtest.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <latch>
#include <semaphore>
#include <barrier>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include <lockstep/lockstep.hpp>
#include <lockstep/reports.hpp>

namespace {

using namespace std::chrono_literals;

// Records every report's kind and text while a test runs.
class Reports : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(lockstep::add_report_observer(&Reports::observe, this)); }
  void TearDown() override { lockstep::remove_report_observer(&Reports::observe, this); }

  static void observe(const char *kind, const char *text, void *self) {
    auto *r = static_cast<Reports *>(self);
    std::lock_guard<std::mutex> g(r->mu_);
    r->kinds_.emplace_back(kind);
    r->texts_.emplace_back(text);
  }
  std::vector<std::string> kinds() {
    std::lock_guard<std::mutex> g(mu_);
    return kinds_;
  }
  std::string all_text() {
    std::lock_guard<std::mutex> g(mu_);
    std::string s;
    for (auto &t : texts_) s += t;
    return s;
  }
  int count(const std::string &kind) {
    int n = 0;
    for (auto &k : kinds()) n += k == kind;
    return n;
  }

private:
  std::mutex mu_;
  std::vector<std::string> kinds_, texts_;
};

TEST_F(Reports, UnsynchronizedWritesRaceWhateverTheTiming) {
  long x = 0;
  // The second thread starts after the first finished, but nothing orders them for the runtime.
  std::atomic<bool> done{false};
  std::thread a([&] {
    LOCKSTEP_WRITE(x);
    x = 1;
    done = true;
  });
  std::thread b([&] {
    while (!done) std::this_thread::yield();  // an atomic flag: invisible, no happens-before
    LOCKSTEP_WRITE(x);
    x = 2;
  });
  a.join();
  b.join();
  EXPECT_EQ(count("data-race"), 1);
  EXPECT_NE(all_text().find("runtime_test.cpp"), std::string::npos);  // the sites are reported
}

TEST_F(Reports, MutexProtectedAccessesDoNotRace) {
  std::mutex m;
  long x = 0;
  auto work = [&] {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard<std::mutex> g(m);
      LOCKSTEP_READ(x);
      LOCKSTEP_WRITE(x);
      ++x;
    }
  };
  std::thread a(work), b(work), c(work);
  a.join();
  b.join();
  c.join();
  LOCKSTEP_READ(x);  // after join: ordered
  EXPECT_EQ(x, 6000);
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, CreateAndJoinOrderAccesses) {
  long x = 1;
  LOCKSTEP_WRITE(x);
  std::thread t([&] {
    LOCKSTEP_READ(x);
    LOCKSTEP_WRITE(x);
    x = 2;
  });
  t.join();
  LOCKSTEP_READ(x);
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, ConditionVariableQueueDoesNotRace) {
  std::mutex m;
  std::condition_variable cv;
  std::deque<int> q;
  int payload[64] = {};
  std::thread producer([&] {
    for (int i = 0; i < 64; ++i) {
      LOCKSTEP_WRITE(payload[i]);  // written outside the lock, published through the queue
      payload[i] = i;
      {
        std::lock_guard<std::mutex> g(m);
        q.push_back(i);
      }
      cv.notify_one();
    }
  });
  std::thread consumer([&] {
    for (int n = 0; n < 64; ++n) {
      std::unique_lock<std::mutex> l(m);
      cv.wait(l, [&] { return !q.empty(); });
      const int i = q.front();
      q.pop_front();
      l.unlock();
      LOCKSTEP_READ(payload[i]);
    }
  });
  producer.join();
  consumer.join();
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, SharedMutexReadersAndWriters) {
  std::shared_mutex sm;
  long x = 0;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      for (int k = 0; k < 300; ++k) {
        if ((k + i) % 3 == 0) {
          std::unique_lock<std::shared_mutex> l(sm);
          LOCKSTEP_WRITE(x);
          ++x;
        } else {
          std::shared_lock<std::shared_mutex> l(sm);
          LOCKSTEP_READ(x);
        }
      }
    });
  for (auto &t : ts) t.join();
  EXPECT_EQ(kinds().size(), 0u);
  // A reader that writes under a shared lock races with the other readers' reads.
  std::thread r1([&] {
    std::shared_lock<std::shared_mutex> l(sm);
    LOCKSTEP_READ(x);
  });
  r1.join();
  std::atomic<bool> go{false};
  std::thread r2([&] {
    std::shared_lock<std::shared_mutex> l(sm);
    go = true;
    LOCKSTEP_READ(x);
    std::this_thread::sleep_for(20ms);
  });
  std::thread bad([&] {
    while (!go) std::this_thread::yield();
    std::shared_lock<std::shared_mutex> l(sm);
    LOCKSTEP_WRITE(x);
  });
  r2.join();
  bad.join();
  EXPECT_EQ(count("data-race"), 1);
}

TEST_F(Reports, CallOnceAndFunctionLocalStaticsAreSilent) {
  static std::once_flag flag;
  static long once_value;
  struct lazy {
    long v;
    lazy() {
      LOCKSTEP_WRITE(v);
      v = 42;
    }
  };
  auto fn = [] {
    std::call_once(flag, [] {
      LOCKSTEP_WRITE(once_value);
      once_value = 7;
    });
    LOCKSTEP_READ(once_value);
    static lazy l;
    LOCKSTEP_READ(l.v);
  };
  std::thread a(fn), b(fn), c(fn);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, ThousandsOfThreadsReuseSlots) {
  long x = 0;
  for (int round = 0; round < 50; ++round) {
    std::vector<std::thread> ts;
    for (int i = 0; i < 60; ++i) ts.emplace_back([&] {
      static std::mutex m;
      std::lock_guard<std::mutex> g(m);
      LOCKSTEP_WRITE(x);
      ++x;
    });
    for (auto &t : ts) t.join();
  }
  for (int i = 0; i < 200; ++i) std::thread([] {}).detach();
  EXPECT_EQ(x, 3000);
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, HundredsOfThousandsOfMutexes) {
  std::vector<pthread_mutex_t> ms(200000);
  for (auto &m : ms) pthread_mutex_init(&m, nullptr);
  for (auto &m : ms) {
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
  }
  for (auto &m : ms) pthread_mutex_destroy(&m);
  // std::mutex never calls init/destroy: the records stay, but locking still works.
  std::vector<std::mutex> sm(100000);
  for (auto &m : sm) {
    std::lock_guard<std::mutex> g(m);
  }
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, UnlockByAnotherThreadAndOfUnlockedMutex) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  std::thread t([&] { pthread_mutex_lock(&m); });
  t.join();
  pthread_mutex_unlock(&m);  // owned by the finished thread
  EXPECT_EQ(count("unlock-not-owner"), 1);
  pthread_mutex_unlock(&m);  // now unlocked
  EXPECT_EQ(count("unlock-not-locked"), 1);
}

TEST_F(Reports, ErrorCheckingMutexRelockIsReportedAndFails) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t m;
  pthread_mutex_init(&m, &a);
  ASSERT_EQ(pthread_mutex_lock(&m), 0);
  EXPECT_EQ(pthread_mutex_lock(&m), EDEADLK);  // reported, not fatal: the call does not hang
  EXPECT_EQ(count("double-lock"), 1);
  pthread_mutex_unlock(&m);
  pthread_mutex_destroy(&m);
}

TEST_F(Reports, RecursiveMutexRelockIsFine) {
  std::recursive_mutex rm;
  rm.lock();
  rm.lock();
  rm.unlock();
  rm.unlock();
  lockstep::recursive_mutex lrm("rec");
  {
    std::lock_guard<lockstep::recursive_mutex> a(lrm), b(lrm);
  }
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, LockOrderInversionWithAndWithoutGate) {
  std::mutex gate, a, b;
  std::thread([&] {
    std::lock_guard<std::mutex> g(gate), x(a), y(b);
  }).join();
  std::thread([&] {
    std::lock_guard<std::mutex> g(gate), y(b), x(a);
  }).join();
  EXPECT_EQ(count("lock-order-inversion"), 0);  // both orders under the same gate lock
  std::thread([&] {
    std::lock_guard<std::mutex> y(b), x(a);
  }).join();
  EXPECT_EQ(count("lock-order-inversion"), 1);
  std::thread([&] {
    std::lock_guard<std::mutex> y(b), x(a);
  }).join();
  EXPECT_EQ(count("lock-order-inversion"), 1);  // each cycle once
}

TEST_F(Reports, TryLockAddsNoOrder) {
  std::mutex a, b;
  std::thread([&] {
    std::lock_guard<std::mutex> x(a);
    if (b.try_lock()) b.unlock();
  }).join();
  std::thread([&] {
    std::lock_guard<std::mutex> y(b);
    if (a.try_lock()) a.unlock();
  }).join();
  EXPECT_EQ(count("lock-order-inversion"), 0);
}

TEST_F(Reports, DestroyingALockedDropInMutex) {
  auto m = std::make_unique<lockstep::mutex>("doomed");
  m->lock();
  m.reset();
  EXPECT_EQ(count("destroy-locked-mutex"), 1);
  EXPECT_NE(all_text().find("doomed"), std::string::npos);  // the name is in the report
}

TEST_F(Reports, ConditionVariableMisuse) {
  pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  auto deadline = [] {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 200 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_nsec -= 1000000000L;
      ++ts.tv_sec;
    }
    return ts;
  };
  std::atomic<bool> waiting{false};
  std::thread w1([&] {
    pthread_mutex_lock(&m1);
    waiting = true;
    timespec ts = deadline();
    pthread_cond_timedwait(&cv, &m1, &ts);
    pthread_mutex_unlock(&m1);
  });
  while (!waiting) std::this_thread::yield();
  std::this_thread::sleep_for(20ms);
  pthread_mutex_lock(&m2);
  timespec ts = deadline();
  pthread_cond_timedwait(&cv, &m2, &ts);  // while w1 waits with m1
  pthread_mutex_unlock(&m2);
  w1.join();
  EXPECT_EQ(count("cv-multiple-mutexes"), 1);
  ts = deadline();
  ts.tv_nsec = 0;  // already passed: returns at once
  pthread_cond_timedwait(&cv, &m2, &ts);  // m2 not held
  EXPECT_EQ(count("cv-wait-without-lock"), 1);
  pthread_mutex_unlock(&m2);  // the wait relocked it
}

TEST_F(Reports, DropInTypesHaveTheStdInterfaces) {
  lockstep::mutex m("m");
  lockstep::timed_mutex tm;
  lockstep::shared_mutex sm("sm");
  lockstep::condition_variable cv("cv");
  lockstep::condition_variable_any cva;
  long x = 0;
  {
    std::scoped_lock both(m, tm);
    LOCKSTEP_WRITE(x);
  }
  EXPECT_TRUE(tm.try_lock_for(10ms));
  tm.unlock();
  bool ready = false;
  lockstep::thread t(lockstep::thread_name("waker"), [&] {
    {
      std::lock_guard<lockstep::mutex> g(m);
      ready = true;
      LOCKSTEP_WRITE(x);
    }
    cv.notify_all();
  });
  {
    std::unique_lock<lockstep::mutex> l(m);
    cv.wait(l, [&] { return ready; });
    LOCKSTEP_READ(x);
  }
  t.join();
  {
    std::unique_lock<lockstep::mutex> l(m);
    EXPECT_FALSE(cv.wait_for(l, 5ms, [] { return false; }));
  }
  bool flag = false;
  lockstep::jthread jt([&](std::stop_token st) {
    std::unique_lock<lockstep::shared_mutex> l(sm);
    flag = !st.stop_requested();
    cva.notify_all();
  });
  {
    std::shared_lock<lockstep::shared_mutex> l(sm);
    cva.wait_for(l, 5ms);
  }
  jt.join();
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, NamedThreadAppearsInReports) {
  long x = 0;
  std::atomic<bool> done{false};
  lockstep::thread a(lockstep::thread_name("alpha-writer"), [&] {
    LOCKSTEP_WRITE(x);
    done = true;
  });
  while (!done) std::this_thread::yield();
  LOCKSTEP_WRITE(x);
  a.join();
  EXPECT_EQ(count("data-race"), 1);
  EXPECT_NE(all_text().find("alpha-writer"), std::string::npos);
}

TEST_F(Reports, ThreadsNameTheirCreator) {
  long x = 0;
  std::atomic<bool> done{false};
  // Main starts A, A starts B; B's write races with main's. The report shows main and B, and B was
  // created by A, not by main.
  std::thread a([&] {
    std::thread b([&] {
      LOCKSTEP_WRITE(x);
      done = true;
    });
    b.join();
  });
  while (!done) std::this_thread::yield();
  LOCKSTEP_WRITE(x);
  a.join();
  ASSERT_EQ(count("data-race"), 1);
  const std::string text = all_text();
  EXPECT_NE(text.find("is the main thread"), std::string::npos) << text;
  EXPECT_NE(text.find(" created by T"), std::string::npos) << text;
  EXPECT_EQ(text.find(" created by T0 "), std::string::npos) << text;
}

TEST_F(Reports, EarlierAccessKeepsItsLocksAfterManyDistinctLockSets) {
  // Many distinct held sets (each mutex alone) fill the lock-set interner; the held set of an earlier
  // access is still shown when that access later turns out to race.
  std::vector<std::mutex> many(100000);
  long scratch = 0;
  for (auto &m : many) {
    std::lock_guard<std::mutex> g(m);
    LOCKSTEP_WRITE(scratch);
  }
  std::mutex guard;
  lockstep_name_object(&guard, "guard-of-x");
  long x = 0;
  std::atomic<bool> done{false};
  std::thread a([&] {
    std::lock_guard<std::mutex> g(guard);
    LOCKSTEP_WRITE(x);
    done = true;
  });
  while (!done) std::this_thread::yield();
  LOCKSTEP_WRITE(x);  // without the lock: races with a's write
  a.join();
  ASSERT_EQ(count("data-race"), 1);
  EXPECT_NE(all_text().find("guard-of-x"), std::string::npos) << all_text();
}

std::atomic<int> g_signals{0};
pthread_mutex_t g_sig_mutex = PTHREAD_MUTEX_INITIALIZER;
long g_sig_value;
void on_signal(int) {
  // Not async-signal-safe by POSIX, but programs do it: the runtime must not deadlock or crash.
  pthread_mutex_lock(&g_sig_mutex);
  LOCKSTEP_WRITE(g_sig_value);
  pthread_mutex_unlock(&g_sig_mutex);
  g_signals.fetch_add(1);
}

TEST_F(Reports, SignalHandlersInterruptingTheRuntime) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR1, &sa, nullptr), 0);
  std::atomic<bool> stop{false};
  const pthread_t target = pthread_self();
  std::thread killer([&] {
    while (!stop) {
      pthread_kill(target, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  std::mutex m;
  long y = 0;
  const auto end = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < end) {
    std::lock_guard<std::mutex> g(m);
    LOCKSTEP_WRITE(y);
    ++y;
  }
  stop = true;
  killer.join();
  signal(SIGUSR1, SIG_DFL);
  EXPECT_GT(g_signals.load(), 0);
  EXPECT_EQ(kinds().size(), 0u);
}

// Death tests: these reports end the process (continuing would hang). exitcode=0 in this binary's
// environment, so the expected status is 0 — what matters is that it exits with the report.
class Fatal : public ::testing::Test {
protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

void double_lock_plain_mutex() {
  std::mutex m;
  m.lock();
  m.lock();
}

void two_threads_deadlock() {
  std::mutex a, b;
  std::atomic<int> ready{0};
  std::thread t1([&] {
    std::lock_guard<std::mutex> x(a);
    ++ready;
    while (ready < 2) std::this_thread::yield();
    std::lock_guard<std::mutex> y(b);
  });
  std::thread t2([&] {
    std::lock_guard<std::mutex> y(b);
    ++ready;
    while (ready < 2) std::this_thread::yield();
    std::lock_guard<std::mutex> x(a);
  });
  t1.join();
  t2.join();
}

void join_while_holding_what_the_thread_needs() {
  std::mutex a;
  std::lock_guard<std::mutex> held(a);
  std::thread t([&] { std::lock_guard<std::mutex> g(a); });
  t.join();  // t waits for a, which this thread holds while it waits for t
}

TEST_F(Fatal, DoubleLockOfAPlainMutexExitsInsteadOfHanging) {
  EXPECT_EXIT(double_lock_plain_mutex(), ::testing::ExitedWithCode(0), "double lock");
}

TEST_F(Fatal, RealDeadlockIsReportedThenExits) {
  EXPECT_EXIT(two_threads_deadlock(), ::testing::ExitedWithCode(0), "deadlock");
}

TEST_F(Fatal, JoinCycleThroughAMutexIsADeadlock) {
  EXPECT_EXIT(join_while_holding_what_the_thread_needs(), ::testing::ExitedWithCode(0), "waits to join");
}

TEST_F(Reports, SlowButLiveContentionIsNotADeadlock) {
  std::mutex m;
  std::thread t([&] {
    std::lock_guard<std::mutex> g(m);
    std::this_thread::sleep_for(300ms);  // several check intervals
  });
  std::this_thread::sleep_for(20ms);
  {
    std::lock_guard<std::mutex> g(m);
  }
  t.join();
  EXPECT_EQ(kinds().size(), 0u);
}

// Generic code written against the std types compiles and runs unchanged with the drop-ins. (The
// accesses are annotated only with the drop-ins: the runtime cannot see libstdc++'s futex waits.)
template <class Semaphore, class Latch, template <class> class Barrier, bool annotate> long std_shaped_round_trip() {
  static_assert(Semaphore::max() >= 4);
  Semaphore items(0);
  Latch started(2);
  long value = 0, seen = 0;
  auto phase_done = [&]() noexcept { ++value; };
  Barrier<decltype(phase_done)> step(2, phase_done);
  std::thread t([&] {
    started.count_down();
    if (annotate) LOCKSTEP_WRITE(value);
    value = 41;
    items.release();
    step.arrive_and_wait();
  });
  started.arrive_and_wait();
  EXPECT_TRUE(started.try_wait());
  items.acquire();
  if (annotate) LOCKSTEP_READ(value);
  seen = value;
  EXPECT_FALSE(items.try_acquire());
  EXPECT_FALSE(items.try_acquire_for(2ms));
  EXPECT_FALSE(items.try_acquire_until(std::chrono::system_clock::now() + 2ms));
  auto token = step.arrive();
  step.wait(std::move(token));
  t.join();
  return seen + value;  // 41 + 42 (the completion function ran once)
}

TEST_F(Reports, SemaphoreLatchAndBarrierDropInsHaveTheStdInterfaces) {
  static_assert(lockstep::binary_semaphore::max() == 1);
  static_assert(lockstep::counting_semaphore<7>::max() == 7);
  static_assert(std::is_same_v<decltype(std::declval<lockstep::barrier<>>().arrive()),
                               lockstep::barrier<>::arrival_token>);
  EXPECT_EQ((std_shaped_round_trip<std::counting_semaphore<4>, std::latch, std::barrier, false>()), 83);
  EXPECT_EQ((std_shaped_round_trip<lockstep::counting_semaphore<4>, lockstep::latch, lockstep::barrier, true>()), 83);
  EXPECT_EQ(kinds().size(), 0u);
}

TEST_F(Reports, SemaphoreReleaseOrdersOnlyWhatCameBefore) {
  long before = 0, after = 0;
  lockstep::counting_semaphore<> s(0, "s");
  sem_t ps;
  sem_init(&ps, 0, 0);
  std::thread t([&] {
    LOCKSTEP_WRITE(before);
    before = 1;
    s.release();
    sem_post(&ps);
    LOCKSTEP_WRITE(after);  // after both releases: ordered with nothing the other thread does
    after = 1;
  });
  s.acquire();
  while (sem_trywait(&ps) != 0) std::this_thread::yield();
  LOCKSTEP_READ(before);
  LOCKSTEP_READ(after);
  t.join();
  sem_destroy(&ps);
  EXPECT_EQ(count("data-race"), 1);
  EXPECT_NE(all_text().find("runtime_test.cpp"), std::string::npos);
}

TEST_F(Reports, SemPostPastTheMaximumIsReportedAndKeepsErrno) {
  sem_t s;
  ASSERT_EQ(sem_init(&s, 0, SEM_VALUE_MAX), 0);
  errno = 0;
  EXPECT_EQ(sem_post(&s), -1);
  EXPECT_EQ(errno, EOVERFLOW);  // the runtime's bookkeeping after the call leaves errno alone
  EXPECT_EQ(sem_trywait(&s), 0);
  EXPECT_EQ(sem_post(&s), 0);  // back at the maximum: fine
  sem_destroy(&s);
  EXPECT_EQ(count("semaphore-over-release"), 1);
  timespec past{0, 0};
  sem_t empty;
  sem_init(&empty, 0, 0);
  errno = 0;
  EXPECT_EQ(sem_timedwait(&empty, &past), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
  sem_destroy(&empty);
  EXPECT_EQ(kinds().size(), 1u);
}

TEST_F(Reports, CountingMisuseIsReportedAndTheProgramGoesOn) {
  lockstep::counting_semaphore<2> pool(2, "pool");
  pool.release();  // 3 > max() 2
  EXPECT_TRUE(pool.try_acquire());
  EXPECT_EQ(count("semaphore-over-release"), 1);
  EXPECT_NE(all_text().find("semaphore 'pool'"), std::string::npos);

  lockstep::latch l(1, "l");
  l.count_down(2);  // below zero: the latch stops at zero and opens
  l.wait();
  EXPECT_EQ(count("latch-underflow"), 1);

  lockstep::barrier<> b(1, "b");
  b.arrive_and_drop();  // the last participant leaves: phase 0 completes
  b.arrive_and_drop();  // nobody left to drop: ignored
  b.wait(b.arrive());   // an arrival with no participant: ignored, the wait returns
  EXPECT_EQ(count("barrier-overflow"), 2);
  EXPECT_EQ(kinds().size(), 4u);
}

TEST_F(Reports, PthreadBarrierPhasesOrderAccesses) {
  pthread_barrier_t b;
  ASSERT_EQ(pthread_barrier_init(&b, nullptr, 2), 0);
  long cell[2] = {0, 0};
  auto body = [&](int me) {
    for (int p = 0; p < 20; ++p) {
      LOCKSTEP_WRITE(cell[me]);
      cell[me] = p;
      pthread_barrier_wait(&b);
      LOCKSTEP_READ(cell[1 - me]);
      pthread_barrier_wait(&b);
    }
  };
  std::thread t(body, 1);
  body(0);
  t.join();
  EXPECT_EQ(pthread_barrier_destroy(&b), 0);
  EXPECT_EQ(kinds().size(), 0u);
}

}  // namespace
