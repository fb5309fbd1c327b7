//===- LockSetTest.cpp - Unit tests of the lock set's join and decisions --===//
#include "lockstep/analyzer/LockSet.h"
#include "gtest/gtest.h"

using namespace lockstep;

namespace {

LockFact fact(const char *Key, bool Maybe = false) {
  LockFact F;
  F.Key = Key;
  F.Maybe = Maybe;
  return F;
}

TEST(DecideTest, BoolAndIntegerResults) {
  SuccessTest True{false, 0}, Zero{true, 0};
  EXPECT_EQ(decide(True, SuccessTest{false, 0}), 1);  // known != 0
  EXPECT_EQ(decide(True, SuccessTest{true, 0}), 0);   // known == 0
  EXPECT_EQ(decide(Zero, SuccessTest{true, 0}), 1);   // pthread: == 0
  EXPECT_EQ(decide(Zero, SuccessTest{false, 0}), 0);  // != 0: failed
  EXPECT_EQ(decide(SuccessTest{true, -1}, SuccessTest{true, 1}), 0);
  EXPECT_EQ(decide(SuccessTest{true, -1}, SuccessTest{false, 0}), -1);
}

TEST(LockSetTest, JoinKeepsOneSidedLocksAsMaybe) {
  LockSet A, B;
  A.Facts.push_back(fact("m"));
  A.Facts.push_back(fact("n"));
  B.Facts.push_back(fact("n"));
  LockSet J = LockSet::join(A, B);
  ASSERT_NE(J.find("m"), nullptr);
  EXPECT_TRUE(J.find("m")->Maybe);
  ASSERT_NE(J.find("n"), nullptr);
  EXPECT_FALSE(J.find("n")->Maybe);
}

TEST(LockSetTest, JoinRemembersTheSeparatingBranch) {
  LockSet A, B;
  A.Facts.push_back(fact("m"));
  A.Assumed.push_back({"c", SuccessTest{false, 0}}); // c != 0
  B.Assumed.push_back({"c", SuccessTest{true, 0}});  // c == 0
  LockSet J = LockSet::join(A, B);
  ASSERT_NE(J.find("m"), nullptr);
  ASSERT_TRUE(J.find("m")->Cond.has_value());
  EXPECT_EQ(J.find("m")->Cond->Key, "c");
  EXPECT_TRUE(J.Assumed.empty());
  // A later `if (c)` decides it on both edges.
  LockSet T = J, F = J;
  T.assume({"c", SuccessTest{false, 0}});
  F.assume({"c", SuccessTest{true, 0}});
  ASSERT_NE(T.find("m"), nullptr);
  EXPECT_FALSE(T.find("m")->Maybe);
  EXPECT_EQ(F.find("m"), nullptr);
}

TEST(LockSetTest, AssignmentForgetsCorrelation) {
  LockSet S;
  LockFact F = fact("m", true);
  F.Cond = BranchCond{"ok", SuccessTest{false, 0}};
  S.Facts.push_back(F);
  S.Assumed.push_back({"ok && x", SuccessTest{false, 0}});
  S.invalidate("ok");
  EXPECT_FALSE(S.find("m")->Cond.has_value());
  EXPECT_TRUE(S.Assumed.empty());
  LockSet U;
  LockFact G = fact("m", true);
  G.Cond = BranchCond{"okay", SuccessTest{false, 0}};
  U.Facts.push_back(G);
  U.invalidate("ok"); // a different identifier
  EXPECT_TRUE(U.find("m")->Cond.has_value());
}

TEST(LockSetTest, ReleasedOnlyWhenReleasedOnEveryPath) {
  LockSet A, B;
  A.Released.push_back({"m", {}});
  B.Released.push_back({"m", {}});
  B.Released.push_back({"n", {}});
  LockSet J = LockSet::join(A, B);
  EXPECT_TRUE(J.isReleased("m"));
  EXPECT_FALSE(J.isReleased("n"));
  A.EntryReleased.push_back("x");
  EXPECT_TRUE(LockSet::join(A, B).isEntryReleased("x"));
}

TEST(LockSetTest, GuardOwnershipMergesToMaybe) {
  LockSet A, B;
  int Tag;
  GuardFact G;
  G.Id = &Tag;
  G.Owning = GuardFact::Owns::Yes;
  A.Guards.push_back(G);
  G.Owning = GuardFact::Owns::No;
  B.Guards.push_back(G);
  LockSet J = LockSet::join(A, B);
  ASSERT_NE(J.guard(&Tag), nullptr);
  EXPECT_EQ(J.guard(&Tag)->Owning, GuardFact::Owns::Maybe);
  EXPECT_TRUE(J == LockSet::join(A, B));
  EXPECT_FALSE(J == A);
}

} // namespace

namespace {

// `if (pthread_mutex_lock(&m) != 0) return;`: the lock is held unless a
// branch shows that the call failed.
TEST(LockSetTest, ResultConditionDecidesAHeldLock) {
  LockFact F = fact("m");
  F.Cond = BranchCond{"rc", SuccessTest{true, 0}};
  LockSet Failed, Succeeded;
  Failed.Facts.push_back(F);
  Succeeded.Facts.push_back(F);
  Failed.assume({"rc", SuccessTest{false, 0}});
  EXPECT_EQ(Failed.find("m"), nullptr);
  Succeeded.assume({"rc", SuccessTest{true, 0}});
  ASSERT_NE(Succeeded.find("m"), nullptr);
  EXPECT_FALSE(Succeeded.find("m")->Maybe);
  EXPECT_FALSE(Succeeded.find("m")->Cond.has_value());
}

TEST(LockSetTest, JoinKeepsAResultConditionBothSidesShare) {
  LockFact F = fact("m");
  F.Cond = BranchCond{"rc", SuccessTest{true, 0}};
  LockSet A, B, C;
  A.Facts.push_back(F);
  B.Facts.push_back(F);
  C.Facts.push_back(fact("m"));
  LockSet Same = LockSet::join(A, B);
  ASSERT_NE(Same.find("m"), nullptr);
  EXPECT_FALSE(Same.find("m")->Maybe);
  EXPECT_TRUE(Same.find("m")->Cond.has_value());
  LockSet Different = LockSet::join(A, C);
  ASSERT_NE(Different.find("m"), nullptr);
  EXPECT_FALSE(Different.find("m")->Cond.has_value());
}

} // namespace
