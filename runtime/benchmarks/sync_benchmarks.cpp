// Synchronization-heavy Google Benchmark workloads, built three ways (plain, lockstep, tsan) from this one source.
//
// Every workload uses only plain std:: types, so the three builds run identical code: the lockstep build sees them
// through its interposed pthread calls, the tsan build through ThreadSanitizer's interceptors. The exceptions are
// std::counting_semaphore and std::barrier, which libstdc++ implements on futexes that interposition cannot see:
// the lockstep build uses the drop-in lockstep::counting_semaphore and lockstep::barrier (same interfaces) instead,
// the other two std::barrier (TSan sees it through its instrumented atomics) and, for the semaphore, a POSIX sem_t
// behind std::counting_semaphore's interface: libstdc++ 12's own counting_semaphore can lose a wakeup under
// contention (GCC bug 104928: a release that finds the count positive wakes nobody while a waiter whose
// compare-exchange failed goes to sleep), which hung this benchmark's TSan build once. Shared data touched
// under a lock is annotated with BENCH_READ/BENCH_WRITE, which become LOCKSTEP_READ/LOCKSTEP_WRITE in the lockstep
// build (LOCKSTEP_BENCH_ANNOTATE defined) and nothing elsewhere: TSan instruments those accesses by itself.
//
// Multi-threaded workloads use Google Benchmark's ->Threads(n): every thread runs exactly state.iterations()
// iterations of its role (fixed by its thread index), so the total work per run is fixed and independent of
// timing. The library puts a barrier before and after each thread's timed loop, and each workload resets its
// shared state under its own lock before that loop, so consecutive runs never see each other's state.
//
// main() runs the workloads of one table (bench_main.hpp).

#include <benchmark/benchmark.h>

#include "bench_main.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <barrier>
#include <mutex>
#include <semaphore>
#include <shared_mutex>

#if defined(LOCKSTEP_BENCH_ANNOTATE)
#include <lockstep/lockstep.hpp>
#define BENCH_READ(x) LOCKSTEP_READ(x)
#define BENCH_WRITE(x) LOCKSTEP_WRITE(x)
template <std::ptrdiff_t N> using bench_semaphore = lockstep::counting_semaphore<N>;
template <class F> using bench_barrier = lockstep::barrier<F>;
#else
#include <semaphore.h>
// std::counting_semaphore's interface, as much of it as the workloads use, on glibc's sem_t (see the top).
template <std::ptrdiff_t N> class bench_semaphore {
 public:
  explicit bench_semaphore(std::ptrdiff_t desired) {
    if (sem_init(&sem_, 0, static_cast<unsigned>(desired)) != 0) fail("sem_init");
  }
  ~bench_semaphore() { sem_destroy(&sem_); }
  bench_semaphore(const bench_semaphore&) = delete;
  bench_semaphore& operator=(const bench_semaphore&) = delete;
  void acquire() {
    while (sem_wait(&sem_) != 0)
      if (errno != EINTR) fail("sem_wait");
  }
  void release() {
    if (sem_post(&sem_) != 0) fail("sem_post");
  }

 private:
  [[noreturn]] static void fail(const char* call) {
    std::perror(call);
    std::abort();
  }
  sem_t sem_;
};
template <class F> using bench_barrier = std::barrier<F>;
#define BENCH_READ(x) ((void)0)
#define BENCH_WRITE(x) ((void)0)
#endif

#ifndef LOCKSTEP_BENCH_VARIANT
#error "LOCKSTEP_BENCH_VARIANT must name the build (plain, lockstep or tsan)"
#endif

namespace {

// Each workload's shared state sits on its own cache lines so workloads never disturb each other.
struct alignas(64) counter_state {
  std::mutex mu;
  std::uint64_t value = 0;
};

counter_state uncontended;
counter_state contended;

// One lock/unlock pair around a read-modify-write of the protected counter; a single thread, so never contended.
void bm_uncontended_lock(benchmark::State& state) {
  {
    std::lock_guard<std::mutex> lock(uncontended.mu);
    BENCH_WRITE(uncontended.value);
    uncontended.value = 0;
  }
  for (auto _ : state) {
    std::lock_guard<std::mutex> lock(uncontended.mu);
    BENCH_READ(uncontended.value);
    BENCH_WRITE(uncontended.value);
    ++uncontended.value;
  }
  benchmark::DoNotOptimize(uncontended.value);
}

// Two threads hammering one mutex: the hand-over between cores dominates.
void bm_contended_lock(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(contended.mu);
    BENCH_WRITE(contended.value);
    contended.value = 0;
  }
  for (auto _ : state) {
    std::lock_guard<std::mutex> lock(contended.mu);
    BENCH_READ(contended.value);
    BENCH_WRITE(contended.value);
    ++contended.value;
  }
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(contended.mu);
    BENCH_READ(contended.value);
    benchmark::DoNotOptimize(contended.value);
  }
}

struct alignas(64) ping_pong_state {
  std::mutex mu;
  std::condition_variable cv;
  int turn = 0;  // whose move it is: 0 = thread 0 (ping), 1 = thread 1 (pong)
  std::uint64_t exchanged = 0;
};

ping_pong_state ping_pong;

// Strict alternation through one condition variable: each iteration of each thread waits for its turn, touches the
// shared counter and hands the turn over, so every iteration is a wait/notify round trip between the two threads.
void bm_cv_ping_pong(benchmark::State& state) {
  const int me = state.thread_index();
  if (me == 0) {
    std::lock_guard<std::mutex> lock(ping_pong.mu);
    BENCH_WRITE(ping_pong.turn);
    BENCH_WRITE(ping_pong.exchanged);
    ping_pong.turn = 0;
    ping_pong.exchanged = 0;
  }
  for (auto _ : state) {
    std::unique_lock<std::mutex> lock(ping_pong.mu);
    ping_pong.cv.wait(lock, [me] {
      BENCH_READ(ping_pong.turn);
      return ping_pong.turn == me;
    });
    BENCH_READ(ping_pong.exchanged);
    BENCH_WRITE(ping_pong.exchanged);
    ++ping_pong.exchanged;
    BENCH_WRITE(ping_pong.turn);
    ping_pong.turn = 1 - me;
    lock.unlock();
    ping_pong.cv.notify_one();
  }
}

// A bounded ring buffer guarded by one mutex and two condition variables (the textbook shape). The capacity is small
// so that both the full and the empty wait are exercised.
constexpr std::size_t queue_capacity = 16;

struct alignas(64) bounded_queue {
  std::mutex mu;
  std::condition_variable not_full;
  std::condition_variable not_empty;
  std::uint64_t items[queue_capacity] = {};
  std::size_t head = 0;
  std::size_t count = 0;

  void reset() {
    std::lock_guard<std::mutex> lock(mu);
    BENCH_WRITE(head);
    BENCH_WRITE(count);
    head = 0;
    count = 0;
  }

  void push(std::uint64_t v) {
    std::unique_lock<std::mutex> lock(mu);
    not_full.wait(lock, [this] {
      BENCH_READ(count);
      return count < queue_capacity;
    });
    BENCH_READ(head);
    const std::size_t slot = (head + count) % queue_capacity;
    BENCH_WRITE(items[slot]);
    items[slot] = v;
    BENCH_WRITE(count);
    ++count;
    lock.unlock();
    not_empty.notify_one();
  }

  std::uint64_t pop() {
    std::unique_lock<std::mutex> lock(mu);
    not_empty.wait(lock, [this] {
      BENCH_READ(count);
      return count > 0;
    });
    BENCH_READ(head);
    BENCH_READ(items[head]);
    const std::uint64_t v = items[head];
    BENCH_WRITE(head);
    head = (head + 1) % queue_capacity;
    BENCH_WRITE(count);
    --count;
    lock.unlock();
    not_full.notify_one();
    return v;
  }
};

bounded_queue queue;

// One producer (thread 0) pushes state.iterations() items, one consumer (thread 1) pops as many.
void bm_bounded_queue(benchmark::State& state) {
  if (state.thread_index() == 0) {
    queue.reset();
    std::uint64_t next = 0;
    for (auto _ : state) queue.push(next++);
  } else {
    std::uint64_t sum = 0;
    for (auto _ : state) sum += queue.pop();
    benchmark::DoNotOptimize(sum);
  }
}

// A read-mostly table under one std::shared_mutex: a write rewrites every entry, a read sums them.
constexpr std::size_t table_size = 8;

struct alignas(64) shared_table {
  std::shared_mutex mu;
  std::uint64_t entries[table_size] = {};
};

shared_table table;

// Both threads mix the two roles, read-mostly: every write_every-th operation of a thread rewrites the table, the
// others sum it. Two threads fit two cores; with dedicated reader threads beyond the core count, glibc's
// reader-preferring rwlock starves the writer for arbitrary stretches and the timings stop being repeatable.
constexpr unsigned write_every = 4;

void bm_readers_writers(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::unique_lock<std::shared_mutex> lock(table.mu);
    for (auto& e : table.entries) {
      BENCH_WRITE(e);
      e = 0;
    }
  }
  std::uint64_t sum = 0;
  unsigned op = static_cast<unsigned>(state.thread_index());
  for (auto _ : state) {
    if (++op % write_every == 0) {
      std::unique_lock<std::shared_mutex> lock(table.mu);
      for (auto& e : table.entries) {
        BENCH_WRITE(e);
        e = op;
      }
    } else {
      std::shared_lock<std::shared_mutex> lock(table.mu);
      for (const auto& e : table.entries) {
        BENCH_READ(e);
        sum += e;
      }
    }
  }
  benchmark::DoNotOptimize(sum);
}

// A pool of `pool_size` connections bounded by a counting semaphore, shared by more threads than connections: a
// thread takes a permit, takes a free connection from a mutex-protected free list, uses it without a lock (it is its
// own until given back), returns it and releases the permit.
constexpr int pool_size = 2;

struct alignas(64) connection_pool {
  bench_semaphore<pool_size> permits{pool_size};
  std::mutex free_mu;
  bool in_use[pool_size] = {};
  std::uint64_t queries[pool_size] = {};
};

connection_pool pool;

void bm_semaphore_pool(benchmark::State& state) {
  for (auto _ : state) {
    pool.permits.acquire();
    int c = 0;
    {
      std::lock_guard<std::mutex> g(pool.free_mu);
      while (pool.in_use[c]) ++c;  // the semaphore guarantees a free one
      pool.in_use[c] = true;
    }
    BENCH_WRITE(pool.queries[c]);
    ++pool.queries[c];
    {
      std::lock_guard<std::mutex> g(pool.free_mu);
      pool.in_use[c] = false;
    }
    pool.permits.release();
  }
}

// A 1-D three-point stencil in phases: each iteration of each of the two threads is one phase, in which it computes
// its half of the next buffer from its cells and its neighbours' in the current one, then waits on the barrier,
// whose completion function swaps the buffers.
constexpr int stencil_threads = 2, stencil_cells = 64;

struct alignas(64) stencil_state {
  double cells[2][stencil_cells] = {};
  int current = 0;
};

stencil_state stencil;

struct swap_buffers {
  void operator()() noexcept {
    BENCH_WRITE(stencil.current);
    stencil.current = 1 - stencil.current;
  }
};

bench_barrier<swap_buffers> stencil_step{stencil_threads};

void bm_barrier_stencil(benchmark::State& state) {
  constexpr int per_thread = stencil_cells / stencil_threads;
  const int first = static_cast<int>(state.thread_index()) * per_thread;
  for (auto _ : state) {
    BENCH_READ(stencil.current);
    const double* in = stencil.cells[stencil.current];
    double* out = stencil.cells[1 - stencil.current];
    for (int i = first; i < first + per_thread; ++i) {
      const int l = (i + stencil_cells - 1) % stencil_cells, r = (i + 1) % stencil_cells;
      BENCH_READ(in[l]);
      BENCH_READ(in[i]);
      BENCH_READ(in[r]);
      BENCH_WRITE(out[i]);
      out[i] = (in[l] + in[i] + in[r]) / 3 + 1;
    }
    stencil_step.arrive_and_wait();
  }
}

constexpr lockstep_bench::workload workloads[] = {
    {"uncontended_lock", bm_uncontended_lock, 1},
    {"contended_lock", bm_contended_lock, 2},
    {"cv_ping_pong", bm_cv_ping_pong, 2},
    {"bounded_queue", bm_bounded_queue, 2},
    {"readers_writers", bm_readers_writers, 2},
    {"semaphore_pool", bm_semaphore_pool, 4},
    {"barrier_stencil", bm_barrier_stencil, stencil_threads},
};

}  // namespace

int main(int argc, char** argv) { return lockstep_bench::run(argc, argv, workloads, LOCKSTEP_BENCH_VARIANT); }
