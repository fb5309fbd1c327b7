// The race detector (FastTrack, through the real runtime) against a naive happens-before oracle
// that keeps a full vector clock for every access, on random schedules of real threads.
//
// A schedule is a random sequence of operations (thread t locks/unlocks mutex m, takes or releases
// the reader/writer lock shared or exclusive, reads/writes variable x). Real threads execute it in exactly that global order, handing the turn to each other
// through a plain atomic counter that the runtime cannot see, so the only happens-before edges are
// the mutexes' (and thread start/join). The oracle replays the same sequence with full vector
// clocks; a variable has a race iff some earlier conflicting access is not before a later one. The
// reader/writer lock is modelled the way POSIX defines it: a shared release happens before the
// next exclusive acquisition, an exclusive release before every later acquisition of either kind.
// FastTrack reports at least one race on every variable that has one, and none on the others.
// Seeds replay with LOCKSTEP_TEST_SEED=<n>.
//
// Both shadows are checked this way: the annotation shadow (accesses through lockstep_annotate_*) and
// the instrumented one (through the compilers' ABI, __tsan_*), whose schedules also have relaxed atomic
// accesses: they order nothing, never race with each other, and race with plain accesses. A variable
// is 16 bytes, two granules of the instrumented shadow, and there an access takes some of its bytes
// (one granule's 1, 2, 4 or 8 through the entry points, any run of bytes through the ranged ones, which
// may span both granules): two accesses conflict only on a common byte. So the shadow's steps for
// parts of a granule (bytes joined into one slot) and for ranges are checked too. Their schedules
// also synchronize through atomic flags (release stores, acquire loads, release and acquire-release
// read-modify-writes), modelled as lockstep models them: a flag's clock is the last release store's
// clock, joined by each release read-modify-write, and an acquire load takes all of it. Those loads
// usually take nothing new (the thread covers the flag's last release already), which the runtime
// sees from a mark without the clock (clocks.hpp, release marks): the oracle checks that shortcut.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lockstep/annotations.hpp>
#include <lockstep/reports.hpp>

namespace {

constexpr int kThreads = 3, kMutexes = 3, kVars = 6, kFlags = 2;
constexpr int kRwlock = kMutexes;  // the target of exclusive lock/unlock ops on the reader/writer lock

constexpr unsigned kVarBytes = 16;

struct op {
  enum kind_t {
    lock,
    unlock,
    lock_shared,
    unlock_shared,
    release_store,  // on an atomic flag (target: its index), instrumented schedules only
    acquire_load,
    release_rmw,
    acq_rel_rmw,
    read,
    write,
    atomic_read,
    atomic_write
  } kind;
  int thread, target;
  unsigned lo = 0, hi = 8;  // an access's bytes of its variable: [lo, hi)
  bool ranged = false;      // through __tsan_*_range_pc (instrumented shadow)
};

enum class shadow { annotated, instrumented };

// Collects the text of data-race reports.
struct collector {
  std::mutex mu;  // only touched from observer calls, which run outside the runtime's locks
  std::vector<std::string> texts;
  static void observe(const char *kind, const char *text, void *self) {
    if (std::string(kind) != "data-race") return;
    auto *c = static_cast<collector *>(self);
    std::lock_guard<std::mutex> g(c->mu);
    c->texts.emplace_back(text);
  }
};

// Which variables a schedule's accesses go to, how many operations it has, how they are locked: the
// usual shape spreads them over all variables, a mix of protected and racy ones; a crowded one sends
// many to two variables, every access under the variable's own mutex (each granule then sees accesses
// of every thread in many epochs: full granules, the rule's eviction and the cheap steps' refusals get
// their turn, and no report at all is right).
struct schedule_shape {
  int vars_used = kVars;
  int length = 40;
  bool all_locked = false;  // every access under its variable's mutex (else skipped)
};

std::vector<op> make_schedule(std::mt19937_64 &rng, schedule_shape shape, bool atomics) {
  const int length = shape.length;
  std::vector<op> s;
  int owner[kMutexes + 1];  // exclusive owner, -1 when free; [kRwlock] is the reader/writer lock's
  for (int &o : owner) o = -1;
  bool reading[kThreads] = {};  // holds the reader/writer lock shared
  int readers = 0;
  for (int i = 0; i < length; ++i) {
    const int t = static_cast<int>(rng() % kThreads);
    const unsigned r = rng() % 24;
    if (r >= 20) {  // the reader/writer lock: release it if held, else take it in a mode that cannot block
      if (reading[t]) {
        reading[t] = false;
        --readers;
        s.push_back({op::unlock_shared, t, kRwlock});
      } else if (owner[kRwlock] == t) {
        owner[kRwlock] = -1;
        s.push_back({op::unlock, t, kRwlock});
      } else if (owner[kRwlock] == -1 && readers == 0 && r == 20) {
        owner[kRwlock] = t;
        s.push_back({op::lock, t, kRwlock});
      } else if (owner[kRwlock] == -1) {
        reading[t] = true;
        ++readers;
        s.push_back({op::lock_shared, t, kRwlock});
      }
      continue;
    }
    if (r < 2) {  // lock a free mutex (never one held by anyone: the schedule must not block)
      const int m = static_cast<int>(rng() % kMutexes);
      if (owner[m] == -1) {
        owner[m] = t;
        s.push_back({op::lock, t, m});
      }
      continue;
    }
    if (atomics && r >= 4 && r < 7) {  // synchronize through an atomic flag
      s.push_back({static_cast<op::kind_t>(op::release_store + static_cast<int>(rng() % 4)), t,
                   static_cast<int>(rng() % kFlags)});
      continue;
    }
    if (r < 4) {  // unlock a mutex this thread holds
      for (int m = 0; m < kMutexes; ++m)
        if (owner[m] == t) {
          owner[m] = -1;
          s.push_back({op::unlock, t, m});
          break;
        }
      continue;
    }
    // An access, usually under the variable's own mutex: a mix of protected and racy variables.
    const int v = static_cast<int>(rng() % static_cast<unsigned>(shape.vars_used));
    const int m = v % kMutexes;
    op access{(rng() % 2) ? op::write : op::read, t, v};
    if (atomics && rng() % 4 == 0) access.kind = access.kind == op::write ? op::atomic_write : op::atomic_read;
    if (atomics) {  // the instrumented shadow: which bytes (an atomic takes one granule whole)
      const unsigned granule = 8 * static_cast<unsigned>(rng() % 2);
      if (access.kind == op::atomic_read || access.kind == op::atomic_write) {
        access.lo = granule;
        access.hi = granule + 8;
      } else if (rng() % 3 == 0) {  // a ranged access: any run of bytes
        access.ranged = true;
        access.lo = static_cast<unsigned>(rng() % kVarBytes);
        access.hi = access.lo + 1 + static_cast<unsigned>(rng() % (kVarBytes - access.lo));
      } else {  // an entry point: 1, 2, 4 or 8 bytes, aligned, in one granule
        const unsigned size = 1u << (rng() % 4);
        access.lo = granule + size * static_cast<unsigned>(rng() % (8 / size));
        access.hi = access.lo + size;
      }
    }
    if (shape.all_locked) {
      if (owner[m] == t) {  // held already (a lock op above)
        s.push_back(access);
      } else if (owner[m] == -1) {
        s.push_back({op::lock, t, m});
        s.push_back(access);
        s.push_back({op::unlock, t, m});
      }
      continue;
    }
    const unsigned guard = rng() % 100;
    if (guard < 25 && owner[kRwlock] == -1 && !reading[t] && (access.kind == op::read || readers == 0)) {
      // Under the reader/writer lock instead: shared for a read, exclusive for a write.
      const bool shared = access.kind == op::read;
      s.push_back({shared ? op::lock_shared : op::lock, t, kRwlock});
      s.push_back(access);
      s.push_back({shared ? op::unlock_shared : op::unlock, t, kRwlock});
      continue;
    }
    const bool guarded = guard < 90 && owner[m] == -1;
    if (guarded) s.push_back({op::lock, t, m});
    s.push_back(access);
    if (guarded) s.push_back({op::unlock, t, m});
  }
  for (int m = 0; m <= kMutexes; ++m)
    if (owner[m] != -1) s.push_back({op::unlock, owner[m], m});
  for (int t = 0; t < kThreads; ++t)
    if (reading[t]) s.push_back({op::unlock_shared, t, kRwlock});
  return s;
}

// The oracle: full vector clocks, every access remembered with its clock.
std::set<int> oracle_races(const std::vector<op> &s) {
  using vc = std::vector<unsigned>;
  std::vector<vc> thread_clock(kThreads, vc(kThreads, 0));
  for (int t = 0; t < kThreads; ++t) thread_clock[t][t] = 1;
  std::vector<vc> mutex_clock(kMutexes + 1, vc(kThreads, 0));  // [kRwlock]: released by exclusive unlocks
  vc read_clock(kThreads, 0);                                   // released by shared unlocks
  std::vector<vc> flag_clock(kFlags, vc(kThreads, 0));
  struct access {
    int thread;
    bool write, atomic;
    unsigned lo, hi;
    vc clock;
  };
  std::vector<std::vector<access>> history(kVars);
  std::set<int> raced;
  auto leq = [](const vc &a, const vc &b) {
    for (int i = 0; i < kThreads; ++i)
      if (a[i] > b[i]) return false;
    return true;
  };
  for (const op &o : s) {
    vc &c = thread_clock[o.thread];
    switch (o.kind) {
    case op::lock:
      for (int i = 0; i < kThreads; ++i) c[i] = std::max(c[i], mutex_clock[o.target][i]);
      if (o.target == kRwlock)  // a writer also follows every earlier reader
        for (int i = 0; i < kThreads; ++i) c[i] = std::max(c[i], read_clock[i]);
      break;
    case op::unlock:
      mutex_clock[o.target] = c;
      ++c[o.thread];
      break;
    case op::lock_shared:
      for (int i = 0; i < kThreads; ++i) c[i] = std::max(c[i], mutex_clock[kRwlock][i]);
      break;
    case op::unlock_shared:
      for (int i = 0; i < kThreads; ++i) read_clock[i] = std::max(read_clock[i], c[i]);
      ++c[o.thread];
      break;
    case op::release_store:
      flag_clock[o.target] = c;
      ++c[o.thread];
      break;
    case op::acquire_load:
    case op::release_rmw:
    case op::acq_rel_rmw:
      if (o.kind != op::release_rmw)
        for (int i = 0; i < kThreads; ++i) c[i] = std::max(c[i], flag_clock[o.target][i]);
      if (o.kind != op::acquire_load) {
        for (int i = 0; i < kThreads; ++i) flag_clock[o.target][i] = std::max(flag_clock[o.target][i], c[i]);
        ++c[o.thread];
      }
      break;
    case op::read:
    case op::write:
    case op::atomic_read:
    case op::atomic_write: {
      const bool w = o.kind == op::write || o.kind == op::atomic_write;
      const bool at = o.kind == op::atomic_read || o.kind == op::atomic_write;
      for (const access &a : history[o.target])
        if (a.thread != o.thread && a.lo < o.hi && o.lo < a.hi && (a.write || w) && !(a.atomic && at) &&
            !leq(a.clock, c))
          raced.insert(o.target);
      history[o.target].push_back({o.thread, w, at, o.lo, o.hi, c});
      break;
    }
    }
  }
  return raced;
}

}  // namespace

// The instrumentation ABI (instrumented.cpp), as instrumented code calls it. The pc is passed
// explicitly: reports are deduplicated by the pair of places, so each variable of each seed gets
// places of its own.
extern "C" {
void __tsan_read1_pc(void *addr, void *pc);
void __tsan_write1_pc(void *addr, void *pc);
void __tsan_read2_pc(void *addr, void *pc);
void __tsan_write2_pc(void *addr, void *pc);
void __tsan_read4_pc(void *addr, void *pc);
void __tsan_write4_pc(void *addr, void *pc);
void __tsan_read8_pc(void *addr, void *pc);
void __tsan_write8_pc(void *addr, void *pc);
void __tsan_read_range_pc(void *addr, unsigned long size, void *pc);
void __tsan_write_range_pc(void *addr, unsigned long size, void *pc);
unsigned long long __tsan_atomic64_load(const volatile unsigned long long *a, int mo);
void __tsan_atomic64_store(volatile unsigned long long *a, unsigned long long v, int mo);
unsigned long long __tsan_atomic64_fetch_add(volatile unsigned long long *a, unsigned long long v, int mo);
}

namespace {

void *fake_pc(std::uint64_t seed, int var, bool write) {
  return reinterpret_cast<void *>(0x10000 + (seed * kVars + static_cast<std::uint64_t>(var)) * 2 + write);
}

// The atomic entry points take no pc (the caller's return address is theirs): a call site of their own
// for each variable. The runtime reports a race once per pair of (current place, earlier thread and
// epoch), so with one call site for all, an atomic access racing on a second variable with the same
// earlier epoch went unreported (by design: the same two places, racing again).
template <int Var> __attribute__((noinline)) void atomic_access_to(unsigned long long *a, bool write) {
  if (write)
    __tsan_atomic64_store(a, Var + 1, __ATOMIC_RELAXED);
  else
    __tsan_atomic64_load(a, __ATOMIC_RELAXED);
  asm volatile("" ::: "memory");  // not a tail call: the return address must be here
}
template <std::size_t... Var> constexpr auto atomic_call_sites(std::index_sequence<Var...>) {
  return std::array<void (*)(unsigned long long *, bool), sizeof...(Var)>{atomic_access_to<Var>...};
}
constexpr auto atomic_access_site = atomic_call_sites(std::make_index_sequence<kVars>());

std::size_t raced_total = 0;     // variables with a race over all seeds: the test must see both kinds
std::size_t reported_total = 0;  // variables reported

// LOCKSTEP_TEST_MIN_FOUND_PERCENT=<n>: for runs whose options make the runtime forget history on purpose
// (shadow_id_epochs and shadow_ids set low: the instrumented shadow is emptied every few operations, or
// threads run without a shadow id), a race reported must be one the oracle has, but one the oracle has
// may be missed, as long as at least n percent of the variables with a race are reported over all seeds.
int min_found_percent() {
  const char *v = std::getenv("LOCKSTEP_TEST_MIN_FOUND_PERCENT");
  return v ? std::atoi(v) : 100;
}

// Runs `schedule` on real threads and compares the variables reported with the oracle's; `seed` names
// its places (fake pcs, sites).
void run_schedule(shadow mode, const std::vector<op> &schedule, bool misses_allowed, std::uint64_t seed,
                  collector &col, std::deque<lockstep_source_site> &sites, std::deque<std::string> &names) {
  // A distinct, never-freed site per variable and seed, so reports name the variable.
  const lockstep_source_site *site[kVars];
  for (int v = 0; v < kVars; ++v) {
    names.push_back("seed" + std::to_string(seed) + "-var" + std::to_string(v) + ".cpp");
    sites.push_back({names.back().c_str(), v + 1, "schedule"});
    site[v] = &sites.back();
  }
  pthread_mutex_t mutexes[kMutexes];
  for (auto &m : mutexes) pthread_mutex_init(&m, nullptr);
  pthread_rwlock_t rwlock;
  pthread_rwlock_init(&rwlock, nullptr);
  // Two words a variable: two granules of the instrumented shadow (the heap aligns to 16).
  std::vector<unsigned long long> words(2 * kVars, 0), flags(kFlags, 0);
  auto var_at = [&](int v) { return reinterpret_cast<unsigned char *>(&words[2 * static_cast<std::size_t>(v)]); };
  std::atomic<std::size_t> turn{0};
  {
    std::lock_guard<std::mutex> g(col.mu);
    col.texts.clear();
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < schedule.size(); ++i) {
        const op &o = schedule[i];
        if (o.thread != t) continue;
        while (turn.load(std::memory_order_acquire) != i) sched_yield();  // invisible to the runtime
        switch (o.kind) {
        case op::lock:
          if (o.target == kRwlock)
            pthread_rwlock_wrlock(&rwlock);
          else
            pthread_mutex_lock(&mutexes[o.target]);
          break;
        case op::unlock:
          if (o.target == kRwlock)
            pthread_rwlock_unlock(&rwlock);
          else
            pthread_mutex_unlock(&mutexes[o.target]);
          break;
        case op::lock_shared: pthread_rwlock_rdlock(&rwlock); break;
        case op::unlock_shared: pthread_rwlock_unlock(&rwlock); break;
        case op::release_store: __tsan_atomic64_store(&flags[o.target], i, __ATOMIC_RELEASE); break;
        case op::acquire_load: __tsan_atomic64_load(&flags[o.target], __ATOMIC_ACQUIRE); break;
        case op::release_rmw: __tsan_atomic64_fetch_add(&flags[o.target], 1, __ATOMIC_RELEASE); break;
        case op::acq_rel_rmw: __tsan_atomic64_fetch_add(&flags[o.target], 1, __ATOMIC_ACQ_REL); break;
        case op::read:
        case op::write: {
          const bool write = o.kind == op::write;
          unsigned char *at = var_at(o.target) + o.lo;
          const unsigned size = o.hi - o.lo;
          void *where = fake_pc(seed, o.target, write);
          // Ranged accesses through the general entry (which has steps of its own for small ones, and
          // a loop over granules), the others through the entry points' inline and own-slot steps.
          if (mode == shadow::annotated) {
            (write ? lockstep_annotate_write : lockstep_annotate_read)(at, size, site[o.target]);
          } else if (o.ranged) {
            (write ? __tsan_write_range_pc : __tsan_read_range_pc)(at, size, where);
          } else {
            using entry = void (*)(void *, void *);
            static constexpr entry reads[] = {__tsan_read1_pc, __tsan_read2_pc, __tsan_read4_pc, __tsan_read8_pc};
            static constexpr entry writes[] = {__tsan_write1_pc, __tsan_write2_pc, __tsan_write4_pc, __tsan_write8_pc};
            (write ? writes : reads)[__builtin_ctz(size)](at, where);
          }
          break;
        }
        case op::atomic_read:
        case op::atomic_write:
          atomic_access_site[o.target](reinterpret_cast<unsigned long long *>(var_at(o.target) + o.lo),
                                       o.kind == op::atomic_write);
          break;
        }
        turn.store(i + 1, std::memory_order_release);
      }
      // Threads with nothing left still have to let the others finish.
    });
  }
  // Ops of a thread that has already returned are impossible: every thread loops over all ops.
  for (auto &th : threads) th.join();
  for (auto &m : mutexes) pthread_mutex_destroy(&m);
  pthread_rwlock_destroy(&rwlock);
  lockstep_forget_range(words.data(), words.size() * sizeof words[0]);
  lockstep_forget_range(flags.data(), flags.size() * sizeof flags[0]);

  std::set<int> reported;
  {
    std::lock_guard<std::mutex> g(col.mu);
    for (const std::string &text : col.texts)
      for (int v = 0; v < kVars; ++v) {
        if (mode == shadow::annotated) {
          if (text.find(names[names.size() - kVars + v]) != std::string::npos) reported.insert(v);
          continue;
        }
        // Instrumented accesses have no site: the report names the first byte both accesses touched.
        for (unsigned b = 0; b < kVarBytes; ++b) {
          char on[64];
          std::snprintf(on, sizeof on, "data race on %p:", static_cast<void *>(var_at(v) + b));
          if (text.find(on) != std::string::npos) reported.insert(v);
        }
      }
  }
  const std::set<int> expected = oracle_races(schedule);
  if (reported != expected) {  // the schedule, for the variables in question
    static const char *const words[] = {"lock",        "unlock",       "lock_shared",  "unlock_shared",
                                        "release_store", "acquire_load", "release_rmw", "acq_rel_rmw",
                                        "read",        "write",        "atomic_read",  "atomic_write"};
    for (const op &o : schedule) {
      const bool access = o.kind >= op::read;
      if (access && reported.count(o.target) == expected.count(o.target)) continue;
      std::printf("  T%d %s %s%d", o.thread, words[o.kind], access ? "var " : o.kind >= op::release_store ? "flag " : "m", o.target);
      if (access && mode == shadow::instrumented) std::printf(" bytes [%u, %u)%s", o.lo, o.hi, o.ranged ? " ranged" : "");
      std::printf("\n");
    }
  }
  if (misses_allowed) {
    for (int v : reported) EXPECT_TRUE(expected.count(v)) << "a race reported on var " << v << ", which has none";
  } else {
    EXPECT_EQ(reported, expected);
  }
  raced_total += expected.size();
  reported_total += reported.size();
}

void run_seed(shadow mode, schedule_shape shape, bool misses_allowed, std::uint64_t seed, collector &col,
              std::deque<lockstep_source_site> &sites, std::deque<std::string> &names) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (replay with LOCKSTEP_TEST_SEED=" + std::to_string(seed) + ")");
  std::mt19937_64 rng(seed);
  run_schedule(mode, make_schedule(rng, shape, mode == shadow::instrumented), misses_allowed, seed, col, sites, names);
}

// `min_found`: the percentage of the variables with a race that must be reported over all seeds (below
// 100, a variable's race may be missed, but a race reported must be one the oracle has).
void agree_with_oracle(shadow mode, schedule_shape shape = {}, int min_found = min_found_percent()) {
  raced_total = reported_total = 0;
  const bool misses_allowed = min_found < 100;
  collector col;
  ASSERT_TRUE(lockstep::add_report_observer(&collector::observe, &col));
  std::deque<lockstep_source_site> sites;  // reports keep pointers to sites: never freed
  std::deque<std::string> names;
  if (const char *s = std::getenv("LOCKSTEP_TEST_SEED")) {
    run_seed(mode, shape, misses_allowed, std::strtoull(s, nullptr, 10), col, sites, names);
  } else {
    constexpr int seeds = 100;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      run_seed(mode, shape, misses_allowed, seed, col, sites, names);
      if (::testing::Test::HasFailure()) break;
    }
    std::printf("variables with a race: %zu, reported: %zu\n", raced_total, reported_total);
    if (shape.all_locked) {  // (run_seed compared each seed's reports with the oracle's empty set)
      EXPECT_EQ(raced_total, 0u);
    } else {
      // Both racy and race-free variables must be common, or the comparison proves little.
      EXPECT_GT(raced_total, seeds * kVars / 5u);
      EXPECT_LT(raced_total, seeds * kVars * 4 / 5u);
      // Forgetting must not turn detection off.
      EXPECT_GE(reported_total * 100, raced_total * static_cast<std::size_t>(min_found));
    }
  }
  lockstep::remove_report_observer(&collector::observe, &col);
}

// A thread that changes shadow ids between its accesses (every epoch under shadow_id_epochs=1, which
// core.instrumented_shadow_id_renewal runs this with) is still the same thread to the detector: its
// access under an earlier id races with another thread's unordered one, is ordered before its own later
// ones and before another thread's that acquired what it released since.
TEST(InstrumentedRaceDetector, FindsRacesAcrossShadowIdRenewals) {
  collector col;
  ASSERT_TRUE(lockstep::add_report_observer(&collector::observe, &col));
  unsigned long long racy = 0, own = 0, handed = 0;
  pthread_mutex_t ticks = PTHREAD_MUTEX_INITIALIZER, hand_off = PTHREAD_MUTEX_INITIALIZER;
  std::atomic<int> step{0};  // invisible to the runtime
  auto pc = [](int n) { return reinterpret_cast<void *>(0x900000 + n); };
  std::thread a([&] {
    pthread_mutex_lock(&hand_off);
    __tsan_write8_pc(&handed, pc(3));
    pthread_mutex_unlock(&hand_off);  // b acquires this, not what follows
    __tsan_write8_pc(&racy, pc(1));
    __tsan_write8_pc(&own, pc(2));
    for (int i = 0; i < 40; ++i) {  // 40 releases: 40 epochs, 40 ids with shadow_id_epochs=1
      pthread_mutex_lock(&ticks);
      pthread_mutex_unlock(&ticks);
    }
    __tsan_read8_pc(&own, pc(4));
    step.store(1, std::memory_order_release);
  });
  std::thread b([&] {
    while (step.load(std::memory_order_acquire) != 1) sched_yield();
    pthread_mutex_lock(&hand_off);
    __tsan_write8_pc(&handed, pc(5));
    pthread_mutex_unlock(&hand_off);
    __tsan_write8_pc(&racy, pc(6));
  });
  a.join();
  b.join();
  lockstep_forget_range(&racy, sizeof racy);
  lockstep_forget_range(&own, sizeof own);
  lockstep_forget_range(&handed, sizeof handed);
  lockstep::remove_report_observer(&collector::observe, &col);
  char on[64];
  std::snprintf(on, sizeof on, "data race on %p:", static_cast<void *>(&racy));
  ASSERT_EQ(col.texts.size(), 1u);
  EXPECT_NE(col.texts[0].find(on), std::string::npos) << col.texts[0];
}

TEST(RaceDetector, AgreesWithFullVectorClockOracle) { agree_with_oracle(shadow::annotated); }
TEST(InstrumentedRaceDetector, AgreesWithFullVectorClockOracle) { agree_with_oracle(shadow::instrumented); }
// Runs hand-written schedules on the instrumented shadow (seeds from first_seed: their variables'
// names): each must report exactly the races the oracle finds in it.
void run_directed_schedules(const std::vector<std::vector<op>> &schedules, std::uint64_t first_seed) {
  collector col;
  ASSERT_TRUE(lockstep::add_report_observer(&collector::observe, &col));
  std::deque<lockstep_source_site> sites;
  std::deque<std::string> names;
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    SCOPED_TRACE("directed schedule " + std::to_string(i));
    run_schedule(shadow::instrumented, schedules[i], false, first_seed + i, col, sites, names);
  }
  lockstep::remove_report_observer(&collector::observe, &col);
}

// Schedules the random ones reach too rarely to check the atomic flags' release marks (clocks.hpp):
// a mark that claimed more than the flag's clock holds, or outlived a change of it, would let an
// acquire skip what it must take, and a read ordered through the flag would be reported.
TEST(InstrumentedRaceDetector, FlagsAcquiredThroughReleaseMarks) {
  run_directed_schedules({
      // A release read-modify-write joins the flag's clock: T1 had not seen T0's release, so the flag
      // is not T1's clock alone. T2 learns T1's later epoch through a mutex, then acquires the flag.
      {{op::write, 0, 0},
       {op::release_store, 0, 0},
       {op::release_rmw, 1, 0},
       {op::lock, 1, 0},
       {op::unlock, 1, 0},
       {op::lock, 2, 0},
       {op::unlock, 2, 0},
       {op::acquire_load, 2, 0},
       {op::read, 2, 0}},
      // T0's release store marks the flag; T1's replaces its clock and mark. T2 learns T0's later
      // epoch through a mutex, not T1's: it must take the flag's clock.
      {{op::release_store, 0, 0},
       {op::write, 1, 1},
       {op::release_store, 1, 0},
       {op::lock, 0, 1},
       {op::unlock, 0, 1},
       {op::lock, 2, 1},
       {op::unlock, 2, 1},
       {op::acquire_load, 2, 0},
       {op::read, 2, 1}},
      // The same through an acquire-release read-modify-write, which covers the flag's clock before it
      // releases (so its mark is its own), and a racy look-alike that must be reported: T2 never
      // acquires the flag.
      {{op::write, 0, 2},
       {op::release_store, 0, 1},
       {op::acq_rel_rmw, 1, 1},
       {op::acquire_load, 2, 1},
       {op::read, 2, 2},
       {op::write, 0, 3},
       {op::release_store, 0, 0},
       {op::read, 2, 3}},
  }, 1000000);
}

// A full granule of reads (no slot empty, none that the new access may replace) takes a slot that
// another slot of its thread makes redundant: never a thread's later access for being a part of an
// earlier one. T0 reads the granule whole, then (a later epoch, not released) its byte 0; T1 and T2
// read halves under the mutex; T1's byte 7 finds the granule full. T2's write of byte 0 then races
// with T0's later read alone, which must still be there.
TEST(InstrumentedRaceDetector, FullGranuleKeepsTheLaterOfTwoOwnAccesses) {
  run_directed_schedules(
      {{{op::read, 0, 0, 0, 8}, {op::lock, 0, 0},       {op::unlock, 0, 0},      {op::read, 0, 0, 0, 1},
        {op::lock, 1, 0},       {op::read, 1, 0, 0, 4}, {op::unlock, 1, 0},      {op::lock, 2, 0},
        {op::read, 2, 0, 4, 8}, {op::unlock, 2, 0},     {op::lock, 1, 0},        {op::read, 1, 0, 7, 8},
        {op::unlock, 1, 0},     {op::lock, 2, 0},       {op::write, 2, 0, 0, 1}, {op::unlock, 2, 0}}},
      2000000);
}

// A full granule where a thread reads part of what it read whole in an earlier epoch: the read takes
// that earlier read's slot (own_earlier_read), never another thread's write. T0 writes the granule under
// the mutex, then reads its halves in two later epochs; T1 reads it whole under the mutex (the granule is
// full), then byte 0 in its next epoch. T2, never ordered after T0, then reads it: a race with T0's
// write, which must still be there.
TEST(InstrumentedRaceDetector, FullGranuleKeepsAnotherThreadsWriteOverOwnEarlierRead) {
  run_directed_schedules(
      {{{op::lock, 0, 0},       {op::write, 0, 0, 0, 8}, {op::unlock, 0, 0},      {op::read, 0, 0, 0, 4},
        {op::lock, 0, 1},       {op::unlock, 0, 1},      {op::read, 0, 0, 4, 8},  {op::lock, 1, 0},
        {op::read, 1, 0, 0, 8}, {op::unlock, 1, 0},      {op::read, 1, 0, 0, 1},  {op::read, 2, 0, 0, 8}}},
      3000000);
}

// A thread's accesses to a granule by parts in one epoch (a loop over its bytes) join one slot at once
// (common_miss's joined slot) only while the granule's other slots are as the thread found them: T0
// reads byte 0, then byte 1 (which joins); T1, never ordered with T0, writes byte 2, which has no byte
// in common with T0's slot (no race yet); T0's read of byte 2 then races with it. The same with T0
// writing and T1 reading.
TEST(InstrumentedRaceDetector, JoinedPartsStillSeeAnotherThreadsNewAccess) {
  run_directed_schedules({{{op::read, 0, 0, 0, 1},
                           {op::read, 0, 0, 1, 2},
                           {op::write, 1, 0, 2, 3},
                           {op::read, 0, 0, 2, 3}},
                          {{op::write, 0, 0, 0, 1},
                           {op::write, 0, 0, 1, 2},
                           {op::read, 1, 0, 2, 3},
                           {op::write, 0, 0, 2, 3}}},
                         4000000);
}

// Crowded granules (4 slots cannot hold every access of 3 threads in many epochs: evictions, full
// granules) of variables that every access locks: not a single report.
TEST(InstrumentedRaceDetector, CrowdedLockedGranulesStaySilent) {
  agree_with_oracle(shadow::instrumented, schedule_shape{2, 160, true});
}

}  // namespace
