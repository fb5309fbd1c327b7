// Tests of the frame-pointer stacks (fp_stack, fp_stack_prefix, complete_stack): they must agree
// with the unwinder where both see frames, stay inside the thread's stack, and complete a prefix
// only while its outer frames are still the same calls.
#include <gtest/gtest.h>
#include <pthread.h>

#include <cstdint>

#include "stack.hpp"

namespace {
using namespace lockstep::rt;

stack_bounds this_thread_stack() {
  stack_bounds b;
  pthread_attr_t a;
  if (pthread_getattr_np(pthread_self(), &a) != 0) return b;
  void *base = nullptr;
  std::size_t size = 0;
  if (pthread_attr_getstack(&a, &base, &size) == 0) {
    b.lo = reinterpret_cast<std::uintptr_t>(base);
    b.hi = b.lo + size;
  }
  pthread_attr_destroy(&a);
  return b;
}

// What a capture looks like from inside the runtime: `entry` plays an interposed function, whose
// return address into the user's code is the entry pc.
struct captured {
  stack_trace fp;
  stack_trace unwound;
  stack_prefix prefix;
  stack_trace completed;  // the prefix completed right after the entry returned, from its caller
};

__attribute__((noinline)) void entry(captured &out, const stack_bounds &b) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  out.fp = fp_stack(pc, b);
  fp_stack_prefix(pc, b, out.prefix);
  out.unwound = capture_stack(1);  // drops entry's own frame: starts at the entry pc too
  asm volatile("" ::: "memory");
}

// A call chain of `depth` frames of user code above the entry point.
__attribute__((noinline)) void chain(int depth, captured &out, const stack_bounds &b) {
  if (depth == 0) {
    entry(out, b);
    out.completed = complete_stack(out.prefix, b);  // the entry's callers are all still live
  } else {
    chain(depth - 1, out, b);
  }
  asm volatile("" ::: "memory");  // no tail calls: every level keeps its frame
}

TEST(FpStackTest, AgreesWithTheUnwinderOnFramesThatHaveFramePointers) {
  const stack_bounds b = this_thread_stack();
  ASSERT_NE(b.hi, 0u);
  captured c;
  chain(10, c, b);
  // entry pc, 10 levels of chain, this test body: all compiled with frame pointers.
  ASSERT_GE(c.fp.size, 12u);
  ASSERT_GE(c.unwound.size, 12u);
  for (unsigned i = 0; i < 12; ++i) EXPECT_EQ(c.fp.pcs[i], c.unwound.pcs[i]) << "frame " << i;
}

TEST(FpStackTest, UnknownOrForeignBoundsGiveTheEntryPcAlone) {
  captured c;
  chain(3, c, stack_bounds{});
  ASSERT_EQ(c.fp.size, 1u);
  EXPECT_EQ(c.fp.pcs[0], c.unwound.pcs[0]);
  // A stack that does not contain the current frame (an alternate signal stack, say) is not walked.
  const stack_bounds b = this_thread_stack();
  chain(3, c, stack_bounds{b.hi, b.hi + 4096});
  EXPECT_EQ(c.fp.size, 1u);
  EXPECT_EQ(c.prefix.size, 1u);
}

TEST(FpStackTest, PrefixIsCompletedFromTheLiveOuterFrames) {
  const stack_bounds b = this_thread_stack();
  captured c;
  chain(10, c, b);
  ASSERT_EQ(c.prefix.size, stack_prefix::max_frames);
  ASSERT_NE(c.prefix.resume_fp, 0u);
  // Completed while the outer frames were live, from a frame below the resume point: the same stack
  // as the full walk at the entry.
  ASSERT_EQ(c.completed.size, c.fp.size);
  for (unsigned i = 0; i < c.fp.size; ++i) EXPECT_EQ(c.completed.pcs[i], c.fp.pcs[i]) << "frame " << i;
  // Completed after the whole chain returned: its frames are gone, the prefix alone is right.
  const stack_trace late = complete_stack(c.prefix, b);
  EXPECT_EQ(late.size, c.prefix.size);
}

// Holds a prefix recorded deep in one call chain and completes it from another, later call at the
// same depth: the resume frame's address is reused by a different call, so only the prefix is right.
__attribute__((noinline)) stack_trace complete_in_other_chain(int depth, const stack_prefix &p, const stack_bounds &b) {
  stack_trace st;
  if (depth == 0)
    st = complete_stack(p, b);
  else
    st = complete_in_other_chain(depth - 1, p, b);
  asm volatile("" ::: "memory");
  return st;
}

__attribute__((noinline)) stack_prefix record_deep(const stack_bounds &b) {
  captured c;
  chain(10, c, b);
  return c.prefix;
}

TEST(FpStackTest, PrefixOfAReturnedCallIsNotCompletedWithSomeoneElsesFrames) {
  const stack_bounds b = this_thread_stack();
  const stack_prefix p = record_deep(b);  // the recorded resume frame has returned
  ASSERT_NE(p.resume_fp, 0u);
  const stack_trace st = complete_in_other_chain(12, p, b);
  EXPECT_EQ(st.size, p.size);
  for (unsigned i = 0; i < p.size; ++i) EXPECT_EQ(st.pcs[i], p.pcs[i]);
}

TEST(FpStackTest, WalksOtherThreadsWithinTheirOwnStack) {
  stack_trace fp, unwound;
  pthread_t t;
  struct args {
    stack_trace *fp, *unwound;
  } a{&fp, &unwound};
  ASSERT_EQ(pthread_create(
                &t, nullptr,
                [](void *p) -> void * {
                  auto *a = static_cast<args *>(p);
                  captured c;
                  chain(5, c, this_thread_stack());
                  *a->fp = c.fp;
                  *a->unwound = c.unwound;
                  return nullptr;
                },
                &a),
            0);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  ASSERT_GE(fp.size, 7u);
  for (unsigned i = 0; i < 7; ++i) EXPECT_EQ(fp.pcs[i], unwound.pcs[i]) << "frame " << i;
}

}  // namespace
