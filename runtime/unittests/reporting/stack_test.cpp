// Tests of stack capture, the stack depot and symbolization.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "stack.hpp"

namespace lockstep::rt {

// A function of the runtime's own namespace: symbolize must drop its frame.
namespace testing_only {
__attribute__((noinline)) stack_trace capture_inside_runtime() {
  stack_trace s = capture_stack(0);
  asm volatile("" ::: "memory");  // keep the call from becoming a tail call
  return s;
}
}  // namespace testing_only
}  // namespace lockstep::rt

// The tests themselves live outside lockstep::rt, whose frames symbolize drops.
namespace {
using namespace lockstep::rt;

int known_line = 0;

__attribute__((noinline)) stack_trace known_function_for_symbolization() {
  known_line = __LINE__ + 1;
  stack_trace s = capture_stack(0);
  asm volatile("" ::: "memory");
  return s;
}

__attribute__((noinline)) stack_trace calls_runtime() {
  stack_trace s = testing_only::capture_inside_runtime();
  asm volatile("" ::: "memory");
  return s;
}

bool ends_with(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(StackTest, CaptureSeesTheCallerFirst) {
  stack_trace a = known_function_for_symbolization();
  ASSERT_GE(a.size, 2u);
  stack_trace b = known_function_for_symbolization();
  // Same call site, same innermost pc; the capture function itself is not recorded.
  EXPECT_EQ(a.pcs[0], b.pcs[0]);
  EXPECT_NE(a.pcs[0], 0u);
}

TEST(StackTest, SkipDropsInnerFrames) {
  stack_trace full = capture_stack(0);
  stack_trace skipped = capture_stack(1);
  ASSERT_GE(full.size, 2u);
  EXPECT_EQ(skipped.size + 1, full.size);
  // Frame 1 of `full` is the test's caller; it is frame 0 of `skipped`.
  EXPECT_EQ(skipped.pcs[0], full.pcs[1]);
}

TEST(StackTest, SymbolizesAKnownFunctionToFileAndLine) {
  stack_trace s = known_function_for_symbolization();
  std::vector<frame> frames = symbolize(s);
  ASSERT_FALSE(frames.empty());
  EXPECT_NE(frames[0].function.find("known_function_for_symbolization"), std::string::npos)
      << frames[0].function;
  EXPECT_TRUE(ends_with(frames[0].file, "stack_test.cpp")) << frames[0].file;
  EXPECT_EQ(frames[0].line, known_line);
  EXPECT_TRUE(ends_with(frames[0].module, "lockstep_reporting_tests")) << frames[0].module;
  EXPECT_EQ(frames[0].pc, s.pcs[0]);
  // The caller, this test's body, is the next frame.
  ASSERT_GE(frames.size(), 2u);
  EXPECT_NE(frames[1].function.find("StackTest_SymbolizesAKnownFunctionToFileAndLine"), std::string::npos)
      << frames[1].function;
}

TEST(StackTest, DropsTheRuntimesOwnFrames) {
  stack_trace s = calls_runtime();
  std::vector<frame> frames = symbolize(s);
  ASSERT_FALSE(frames.empty());
  for (const frame &f : frames) EXPECT_EQ(f.function.find("lockstep::rt::testing_only"), std::string::npos);
  EXPECT_NE(frames[0].function.find("calls_runtime"), std::string::npos) << frames[0].function;
}

TEST(StackTest, RuntimeFramesAreRecognisedByName) {
  frame f;
  f.function = "lockstep::rt::emit_report(lockstep::rt::report&&)";
  EXPECT_TRUE(is_runtime_frame(f));
  f.function = "__tsan_read4";
  EXPECT_TRUE(is_runtime_frame(f));
  f.function = "lockstep::mutex::lock()";  // the drop-in types are the user's view
  EXPECT_FALSE(is_runtime_frame(f));
  f.function = "main";
  EXPECT_FALSE(is_runtime_frame(f));
}

TEST(StackTest, NormalizesDebugInfoPaths) {
  EXPECT_EQ(normalize_path("/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/invoke.h"),
            "/usr/include/c++/12/bits/invoke.h");
  EXPECT_EQ(normalize_path("/src/./a//b.cpp"), "/src/a/b.cpp");
  EXPECT_EQ(normalize_path("/../x.cpp"), "/x.cpp");
  EXPECT_EQ(normalize_path("/src/main.cpp"), "/src/main.cpp");
  EXPECT_EQ(normalize_path("./nptl/pthread_create.c"), "./nptl/pthread_create.c");  // relative: kept
  EXPECT_EQ(normalize_path(""), "");
}

TEST(StackTest, EmptyStackSymbolizesToNothing) { EXPECT_TRUE(symbolize(stack_trace{}).empty()); }

stack_trace synthetic(std::uintptr_t seed, std::uint32_t size) {
  stack_trace s;
  s.size = size;
  for (std::uint32_t i = 0; i < size; ++i) s.pcs[i] = 0x400000 + seed * 131 + i * 7;
  return s;
}

bool same(const stack_trace &a, const stack_trace &b) {
  if (a.size != b.size) return false;
  for (std::uint32_t i = 0; i < a.size; ++i)
    if (a.pcs[i] != b.pcs[i]) return false;
  return true;
}

TEST(StackDepotTest, DeduplicatesAndRoundTrips) {
  const std::size_t before = stack_depot_size();
  stack_trace a = synthetic(1, 5), b = synthetic(2, 5), a_prefix = synthetic(1, 4);
  std::uint32_t ia = stack_depot_put(a);
  std::uint32_t ib = stack_depot_put(b);
  std::uint32_t ip = stack_depot_put(a_prefix);
  EXPECT_NE(ia, 0u);
  EXPECT_NE(ia, ib);
  EXPECT_NE(ia, ip);
  EXPECT_EQ(stack_depot_put(a), ia);
  EXPECT_EQ(stack_depot_put(synthetic(1, 5)), ia);
  EXPECT_EQ(stack_depot_size(), before + 3);
  EXPECT_TRUE(same(stack_depot_get(ia), a));
  EXPECT_TRUE(same(stack_depot_get(ib), b));
  EXPECT_TRUE(same(stack_depot_get(ip), a_prefix));
}

TEST(StackDepotTest, EmptyAndUnknownIds) {
  EXPECT_EQ(stack_depot_put(stack_trace{}), 0u);
  EXPECT_EQ(stack_depot_get(0).size, 0u);
  EXPECT_EQ(stack_depot_get(0xfffffff0u).size, 0u);
  EXPECT_EQ(stack_depot_get(stack_depot_put(synthetic(99, 1)) + 1000).size, 0u);
}

TEST(StackDepotTest, FullSizeStacksRoundTrip) {
  stack_trace s = synthetic(7, stack_trace::max_frames);
  EXPECT_TRUE(same(stack_depot_get(stack_depot_put(s)), s));
  stack_trace real = capture_stack(0);
  EXPECT_TRUE(same(stack_depot_get(stack_depot_put(real)), real));
}

TEST(StackDepotTest, ConcurrentInsertionsAgreeOnIds) {
  constexpr int threads = 4, stacks = 2000;
  const std::size_t before = stack_depot_size();
  std::vector<std::vector<std::uint32_t>> ids(threads, std::vector<std::uint32_t>(stacks));
  std::atomic<int> ready{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      // Each thread inserts the same stacks in a different order (multipliers coprime
      // with `stacks`, so every thread covers every stack).
      static constexpr int multipliers[threads] = {1, 3, 7, 11};
      for (int i = 0; i < stacks; ++i) {
        int k = (i * multipliers[t]) % stacks;
        ids[t][k] = stack_depot_put(synthetic(100000 + k, 1 + k % 20));
      }
    });
  for (auto &w : workers) w.join();
  std::set<std::uint32_t> distinct;
  for (int k = 0; k < stacks; ++k) {
    for (int t = 1; t < threads; ++t) ASSERT_EQ(ids[t][k], ids[0][k]) << "stack " << k;
    distinct.insert(ids[0][k]);
    ASSERT_TRUE(same(stack_depot_get(ids[0][k]), synthetic(100000 + k, 1 + k % 20)));
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(stacks));
  EXPECT_EQ(stack_depot_size(), before + stacks);
}

}  // namespace
