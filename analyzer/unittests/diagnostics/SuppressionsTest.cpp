//===- SuppressionsTest.cpp - NOLINT comments -----------------------------===//
#include "lockstep/diagnostics/Suppressions.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace lockstep;

namespace {

/// Whether a finding of \p Check on \p Line of \p Source is suppressed.
bool suppressed(const std::string &Source, unsigned Line,
                const std::string &Check) {
  FileNolints N = parseNolints(SourceCache::splitLines(Source));
  for (const NolintRange &R : N.Ranges)
    if (Line >= R.FirstLine && Line <= R.LastLine &&
        (!R.Checks || R.Checks->contains(Check)))
      return true;
  return false;
}

} // namespace

TEST(SuppressionsTest, NolintOnTheSameLine) {
  std::string S = "a();\n"
                  "m.lock(); // NOLINT\n"
                  "m.lock(); // NOLINT(lock-double-lock)\n"
                  "m.lock(); // NOLINT(cv-*, lock-not-*)\n"
                  "m.lock(); // NOLINT(*)\n"
                  "m.lock(); // NOLINT()\n";
  EXPECT_FALSE(suppressed(S, 1, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 2, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 2, "cv-wait-without-predicate"));
  EXPECT_TRUE(suppressed(S, 3, "lock-double-lock"));
  EXPECT_FALSE(suppressed(S, 3, "lock-not-released"));
  EXPECT_TRUE(suppressed(S, 4, "lock-not-released"));
  EXPECT_TRUE(suppressed(S, 4, "cv-wait-without-predicate"));
  EXPECT_FALSE(suppressed(S, 4, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 5, "lock-double-lock"));
  // An empty list names no check.
  EXPECT_FALSE(suppressed(S, 6, "lock-double-lock"));
}

TEST(SuppressionsTest, UnclosedParenthesisSuppressesEverything) {
  EXPECT_TRUE(suppressed("x(); // NOLINT(lock-double-lock\n", 1, "cv-x"));
}

TEST(SuppressionsTest, NolintNextLine) {
  std::string S = "// NOLINTNEXTLINE(lock-double-lock)\n"
                  "m.lock();\n"
                  "m.lock();\n"
                  "// NOLINTNEXTLINE\n"
                  "\n"
                  "m.lock();\n";
  EXPECT_FALSE(suppressed(S, 1, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 2, "lock-double-lock"));
  EXPECT_FALSE(suppressed(S, 2, "lock-not-released"));
  EXPECT_FALSE(suppressed(S, 3, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 5, "anything"));
  EXPECT_FALSE(suppressed(S, 6, "anything"));
}

TEST(SuppressionsTest, BeginEndRegionsMatchByCheckList) {
  std::string S = "a();\n"                                  // 1
                  "// NOLINTBEGIN(lock-*)\n"                // 2
                  "b();\n"                                  // 3
                  "// NOLINTBEGIN(cv-wait-without-predicate)\n" // 4
                  "c();\n"                                  // 5
                  "// NOLINTEND(lock-*)\n"                  // 6
                  "d();\n"                                  // 7
                  "// NOLINTEND(cv-wait-without-predicate)\n" // 8
                  "e();\n";                                 // 9
  FileNolints N = parseNolints(SourceCache::splitLines(S));
  EXPECT_TRUE(N.Problems.empty());
  EXPECT_FALSE(suppressed(S, 1, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 2, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 3, "lock-double-lock"));
  EXPECT_FALSE(suppressed(S, 3, "cv-wait-without-predicate"));
  EXPECT_TRUE(suppressed(S, 5, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 5, "cv-wait-without-predicate"));
  EXPECT_TRUE(suppressed(S, 6, "lock-double-lock"));
  EXPECT_FALSE(suppressed(S, 7, "lock-double-lock"));
  EXPECT_TRUE(suppressed(S, 7, "cv-wait-without-predicate"));
  EXPECT_FALSE(suppressed(S, 9, "cv-wait-without-predicate"));
}

TEST(SuppressionsTest, UnmatchedBeginAndEndSuppressNothingAndAreReported) {
  std::string S = "// NOLINTBEGIN(lock-*)\n"
                  "a();\n"
                  "// NOLINTEND(cv-*)\n"
                  "b();\n";
  FileNolints N = parseNolints(SourceCache::splitLines(S));
  EXPECT_FALSE(suppressed(S, 2, "lock-double-lock"));
  EXPECT_FALSE(suppressed(S, 2, "cv-x"));
  ASSERT_EQ(N.Problems.size(), 2u);
  EXPECT_EQ(N.Problems[0].first, 1u);
  EXPECT_NE(N.Problems[0].second.find("unmatched 'NOLINTBEGIN'"),
            std::string::npos);
  EXPECT_EQ(N.Problems[1].first, 3u);
  EXPECT_NE(N.Problems[1].second.find("unmatched 'NOLINTEND'"),
            std::string::npos);
}

TEST(SuppressionsTest, FilterReadsTheFindingsFile) {
  llvm::SmallString<128> Path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("nolint", "cpp", Path));
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    ASSERT_FALSE(EC);
    OS << "int a;\r\nint b; // NOLINT(lock-double-lock)\r\n";
  }
  SourceCache Sources;
  NolintFilter Filter(Sources);
  Finding F;
  F.CheckId = "lock-double-lock";
  F.Where = {std::string(Path.str()), 2, 1};
  EXPECT_TRUE(Filter.isSuppressed(F));
  F.Where.Line = 1;
  EXPECT_FALSE(Filter.isSuppressed(F));
  F.Where = {"/nonexistent/file.cpp", 2, 1};
  EXPECT_FALSE(Filter.isSuppressed(F));
  EXPECT_TRUE(Filter.problems().empty());
  llvm::sys::fs::remove(Path);
}
