//===- GlobListTest.cpp - clang-tidy glob semantics -----------------------===//
#include "lockstep/diagnostics/GlobList.h"
#include "gtest/gtest.h"

using lockstep::GlobList;

TEST(GlobListTest, WildcardMatchesWholeName) {
  EXPECT_TRUE(GlobList::matches("lock-*", "lock-double-lock"));
  EXPECT_TRUE(GlobList::matches("*", ""));
  EXPECT_TRUE(GlobList::matches("*-lock", "lock-double-lock"));
  EXPECT_TRUE(GlobList::matches("l*d*k", "lock-double-lock"));
  EXPECT_FALSE(GlobList::matches("lock-", "lock-double-lock"));
  EXPECT_FALSE(GlobList::matches("cv-*", "lock-double-lock"));
  EXPECT_FALSE(GlobList::matches("lock-double-lock-x", "lock-double-lock"));
  EXPECT_TRUE(GlobList::matches("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaab"));
  EXPECT_FALSE(GlobList::matches("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaa"));
}

TEST(GlobListTest, LastMatchingItemDecides) {
  GlobList L("-*, lock-* ,-lock-order-inversion");
  EXPECT_TRUE(L.contains("lock-double-lock"));
  EXPECT_FALSE(L.contains("lock-order-inversion"));
  EXPECT_FALSE(L.contains("cv-wait-without-predicate"));
  EXPECT_EQ(L.decide("cv-wait-without-predicate"), 0);
  EXPECT_EQ(GlobList("lock-*").decide("cv-x"), -1);
}

TEST(GlobListTest, SeparatorsAndEmptyItems) {
  GlobList L("lock-*,\n, cv-*\n");
  ASSERT_EQ(L.items().size(), 2u);
  EXPECT_EQ(L.items()[0].Pattern, "lock-*");
  EXPECT_EQ(L.items()[1].Pattern, "cv-*");
  EXPECT_TRUE(L.items()[1].Positive);
  EXPECT_FALSE(GlobList("").contains("lock-double-lock"));
  GlobList Neg("- lock-*");
  ASSERT_EQ(Neg.items().size(), 1u);
  EXPECT_FALSE(Neg.items()[0].Positive);
  EXPECT_EQ(Neg.items()[0].Pattern, "lock-*");
}
