// Vector clocks against a plain reference (std::vector, pointwise max), on randomized operation
// sequences that can be replayed from their seed (LOCKSTEP_TEST_SEED=<n> runs only that seed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "clocks.hpp"

namespace {

using lockstep::rt::epoch;
using lockstep::rt::vector_clock;

struct ref_clock {
  std::vector<std::uint32_t> c;
  std::uint32_t get(std::uint32_t i) const { return i < c.size() ? c[i] : 0; }
  void set(std::uint32_t i, std::uint32_t v) {
    if (i >= c.size()) c.resize(i + 1, 0);
    c[i] = v;
  }
  void join(const ref_clock &o) {
    if (o.c.size() > c.size()) c.resize(o.c.size(), 0);
    for (std::size_t i = 0; i < o.c.size(); ++i) c[i] = std::max(c[i], o.c[i]);
  }
  void assign(const ref_clock &o) {
    std::fill(c.begin(), c.end(), 0);
    if (o.c.size() > c.size()) c.resize(o.c.size(), 0);
    std::copy(o.c.begin(), o.c.end(), c.begin());
  }
  bool leq(const ref_clock &o) const {
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i] > o.get(static_cast<std::uint32_t>(i))) return false;
    return true;
  }
};

void expect_same(const vector_clock &v, const ref_clock &r, std::uint32_t width) {
  for (std::uint32_t i = 0; i < width + 4; ++i) ASSERT_EQ(v.get(i), r.get(i)) << "component " << i;
}

void run_seed(std::uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (replay with LOCKSTEP_TEST_SEED=" + std::to_string(seed) + ")");
  std::mt19937_64 rng(seed);
  const std::uint32_t width = 1 + rng() % 300;  // up to 300 thread slots: several growths
  constexpr int n = 6;
  vector_clock v[n];
  ref_clock r[n];
  for (int step = 0; step < 2000; ++step) {
    const int a = static_cast<int>(rng() % n), b = static_cast<int>(rng() % n);
    const std::uint32_t t = static_cast<std::uint32_t>(rng() % width);
    switch (rng() % 7) {
    case 0: {
      const std::uint32_t val = static_cast<std::uint32_t>(rng() % 1000);
      v[a].set(t, val);
      r[a].set(t, val);
      break;
    }
    case 1:
      v[a].tick(t);
      r[a].set(t, r[a].get(t) + 1);
      break;
    case 2:
      if (a != b) {
        v[a].join(v[b]);
        r[a].join(r[b]);
      }
      break;
    case 3:
      if (a != b) {
        v[a].assign(v[b]);
        r[a].assign(r[b]);
      }
      break;
    case 4:
      ASSERT_EQ(v[a].leq(v[b]), r[a].leq(r[b]));
      break;
    case 5: {
      const std::uint32_t clk = static_cast<std::uint32_t>(rng() % 1000);
      const epoch e = lockstep::rt::make_epoch(t, clk);
      ASSERT_EQ(v[a].covers(e), clk <= r[a].get(t));
      break;
    }
    case 6:
      // In place or not at all: a refusal leaves v[a] as it was (checked below against r[a]).
      if (a != b && v[a].join_in_place(v[b])) r[a].join(r[b]);
      break;
    }
    // b too: a shared chunk written through a must not change b (copy-on-write).
    ASSERT_NO_FATAL_FAILURE(expect_same(v[a], r[a], width));
    ASSERT_NO_FATAL_FAILURE(expect_same(v[b], r[b], width));
  }
  for (int i = 0; i < n; ++i) ASSERT_NO_FATAL_FAILURE(expect_same(v[i], r[i], width));
}

TEST(VectorClock, MatchesReferenceOnRandomSequences) {
  if (const char *s = std::getenv("LOCKSTEP_TEST_SEED")) {
    run_seed(std::strtoull(s, nullptr, 10));
    return;
  }
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    ASSERT_NO_FATAL_FAILURE(run_seed(seed));
  }
}

TEST(VectorClock, EpochPacking) {
  const epoch e = lockstep::rt::make_epoch(16383, 0xfffffff);
  EXPECT_EQ(lockstep::rt::epoch_tid(e), 16383u);
  EXPECT_EQ(lockstep::rt::epoch_clock(e), 0xfffffffu);
  EXPECT_EQ(lockstep::rt::epoch_tid(lockstep::rt::make_epoch(3, 7)), 3u);
}

TEST(VectorClock, VerbsHaveTheirMeaning) {
  vector_clock thread_a, thread_b, sync;
  thread_a.set(0, 5);
  thread_b.set(1, 3);
  // release_store: the sync clock becomes exactly the releaser's.
  sync.set(7, 9);
  sync.assign(thread_a);
  EXPECT_EQ(sync.get(7), 0u);
  EXPECT_EQ(sync.get(0), 5u);
  // acquire: the acquirer learns everything released.
  thread_b.join(sync);
  EXPECT_EQ(thread_b.get(0), 5u);
  EXPECT_EQ(thread_b.get(1), 3u);
  EXPECT_TRUE(thread_b.covers(lockstep::rt::make_epoch(0, 5)));
  EXPECT_FALSE(thread_b.covers(lockstep::rt::make_epoch(0, 6)));
}

// A release mark says what the clock is exactly (readers skip the clock on its word alone), so every
// verb that may change the clock forgets it, even one that happens to change nothing; a restored word
// is the mark again.
TEST(VectorClock, EveryChangeForgetsTheReleaseMark) {
  vector_clock other, big;
  other.set(2, 4);
  big.set(100, 1);  // a second chunk: join_in_place refuses it
  const std::vector<std::pair<const char *, void (*)(vector_clock &, const vector_clock &, const vector_clock &)>>
      verbs = {
          {"set", [](vector_clock &c, const vector_clock &, const vector_clock &) { c.set(1, 1); }},
          {"tick", [](vector_clock &c, const vector_clock &, const vector_clock &) { c.tick(1); }},
          {"join", [](vector_clock &c, const vector_clock &o, const vector_clock &) { c.join(o); }},
          {"assign", [](vector_clock &c, const vector_clock &o, const vector_clock &) { c.assign(o); }},
          {"reset", [](vector_clock &c, const vector_clock &, const vector_clock &) { c.reset(); }},
          {"join_in_place", [](vector_clock &c, const vector_clock &o, const vector_clock &) { c.join_in_place(o); }},
          {"join_in_place refused", [](vector_clock &c, const vector_clock &, const vector_clock &b) {
             EXPECT_FALSE(c.join_in_place(b));
           }},
      };
  for (const auto &[name, verb] : verbs) {
    vector_clock c;
    c.set(1, 3);
    c.note_release(1, 3);
    vector_clock::release_mark m{};
    ASSERT_TRUE(vector_clock::unpack_release(c.release_word(), m)) << name;
    EXPECT_EQ(m.tid, 1u);
    EXPECT_EQ(m.epoch, 3u);
    const std::uint64_t word = c.release_word();
    verb(c, other, big);
    EXPECT_EQ(c.release_word(), 0u) << name;
    EXPECT_FALSE(vector_clock::unpack_release(c.release_word(), m)) << name;
    c.restore_release_word(word);
    EXPECT_EQ(c.release_word(), word) << name;
  }
  // Thread slot 0 and epoch 0 are a mark like any other (the word is never 0).
  vector_clock c;
  c.note_release(0, 0);
  EXPECT_NE(c.release_word(), 0u);
}

// A signal handler's acquire (join_in_place) raises entries of chunks the clock owns, growing within
// its directory, and refuses, changing nothing, where a chunk or the directory would be replaced.
TEST(VectorClock, JoinInPlaceNeverReplacesStructure) {
  vector_clock thread, installer;
  thread.set(3, 7);       // chunk 0, private
  installer.set(0, 4);
  installer.set(10, 2);   // chunk 0, beyond the thread's size: within its private chunk
  EXPECT_TRUE(thread.join_in_place(installer));
  EXPECT_EQ(thread.get(0), 4u);
  EXPECT_EQ(thread.get(3), 7u);
  EXPECT_EQ(thread.get(10), 2u);
  installer.set(100, 1);  // chunk 1: the thread has no directory room for it
  EXPECT_FALSE(thread.join_in_place(installer));
  EXPECT_EQ(thread.get(100), 0u);
  EXPECT_EQ(thread.get(0), 4u);
  vector_clock sync;
  sync.assign(thread);    // shares the thread's chunk 0
  installer.set(100, 0);
  installer.set(1, 9);
  EXPECT_FALSE(thread.join_in_place(installer));  // chunk 0 is shared now: copying it would replace it
  EXPECT_EQ(thread.get(1), 0u);
  thread.tick(3);         // the owner's write copies the chunk: private again
  EXPECT_TRUE(thread.join_in_place(installer));
  EXPECT_EQ(thread.get(1), 9u);
  EXPECT_EQ(sync.get(1), 0u);
}

// The live-threads shape of issue 8: every thread joins one sync clock that has an entry per
// thread, ticks, and releases into it. The clocks share the sync clock's chunks: each holds a
// directory and the chunk of its own slot, not a copy of every entry.
TEST(VectorClock, ClocksThatJoinOneClockShareItsChunks) {
  constexpr std::uint32_t n = 2000;
  const std::size_t before = lockstep::rt::clock_chunks_live();
  {
    std::vector<vector_clock> threads(n);
    vector_clock sync;
    for (std::uint32_t t = 0; t < n; ++t) {
      threads[t].set(t, 1);
      threads[t].join(sync);    // acquire
      sync.assign(threads[t]);  // release_store
      threads[t].tick(t);
    }
    for (std::uint32_t t = 0; t < n; ++t) {
      EXPECT_EQ(threads[t].get(t), 2u);
      for (std::uint32_t u = 0; u < t; u += 97) EXPECT_EQ(threads[t].get(u), 1u) << t << " " << u;
      EXPECT_EQ(threads[t].get(t + 1), 0u);
    }
    const std::size_t chunks = lockstep::rt::clock_chunks_live() - before;
    // A copy per clock would be n * n / 64 = 62,500 chunks.
    EXPECT_LE(chunks, 3 * n) << "chunks per clock: " << chunks / n;
  }
  EXPECT_EQ(lockstep::rt::clock_chunks_live(), before);  // every chunk given back
}

// Threads that each own a clock and share chunks through one sync clock (under a mutex, the way
// sync records are used), each checked against its own reference after every step: a thread's
// copy-on-write or in-place write must never change what another clock reads.
TEST(VectorClock, SharedChunksAcrossThreads) {
  constexpr std::uint32_t nthreads = 4, rounds = 3000;
  const std::uint32_t slots[nthreads] = {0, 120, 100, 220};  // chunks 0, 1, 1 and 3
  std::mutex m;
  vector_clock sync;
  ref_clock sync_ref;
  std::vector<std::thread> ts;
  std::vector<int> failures(nthreads, 0);
  for (std::uint32_t t = 0; t < nthreads; ++t)
    ts.emplace_back([&, t] {
      vector_clock mine;
      ref_clock ref;
      std::mt19937 rng(t + 1);
      const std::uint32_t slot = slots[t];
      for (std::uint32_t r = 0; r < rounds; ++r) {
        mine.tick(slot);
        ref.set(slot, ref.get(slot) + 1);
        {
          std::lock_guard<std::mutex> g(m);
          switch (rng() % 3) {
          case 0:
            mine.join(sync);
            ref.join(sync_ref);
            break;
          case 1:
            sync.join(mine);
            sync_ref.join(ref);
            break;
          default:
            sync.assign(mine);
            sync_ref.assign(ref);
            break;
          }
          for (std::uint32_t i = 0; i < 232; ++i)
            if (sync.get(i) != sync_ref.get(i)) ++failures[t];
        }
        // Outside the lock: other threads write the sync clock and their own clocks meanwhile.
        for (std::uint32_t i = 0; i < 232; ++i)
          if (mine.get(i) != ref.get(i)) ++failures[t];
      }
    });
  for (auto &th : ts) th.join();
  for (std::uint32_t t = 0; t < nthreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
