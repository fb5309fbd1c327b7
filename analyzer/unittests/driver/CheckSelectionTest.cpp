//===- CheckSelectionTest.cpp - --checks globs against the known checks ---===//
#include "lockstep/driver/CheckSelection.h"
#include "gtest/gtest.h"

using namespace lockstep;

static const std::vector<CheckInfo> Known = {
    {"cv-wait-without-predicate", "", ""},
    {"lock-double-lock", "", ""},
    {"lock-not-released", "", ""},
};

static std::string errorOf(llvm::StringRef Globs) {
  if (auto E = validateCheckGlobs(Globs, Known))
    return llvm::toString(std::move(E));
  return "";
}

TEST(CheckSelectionTest, ValidGlobsPass) {
  EXPECT_EQ(errorOf("-*,lock-*,cv-*"), "");
  EXPECT_EQ(errorOf("lock-double-lock"), "");
  EXPECT_EQ(errorOf(" -lock-not-released , "), "");
  EXPECT_EQ(errorOf(""), "");
}

TEST(CheckSelectionTest, UnknownNamesAndEmptyGlobsAreErrors) {
  EXPECT_EQ(errorOf("-*,lock-double-lok"),
            "unknown check 'lock-double-lok' (see --list-checks)");
  EXPECT_EQ(errorOf("sem-*"), "glob 'sem-*' matches no check (see --list-checks)");
  EXPECT_EQ(errorOf("-sem-*"), "glob '-sem-*' matches no check (see --list-checks)");
}

TEST(CheckSelectionTest, ListsApplyInOrderOverAllEnabled) {
  using V = std::vector<std::string>;
  EXPECT_EQ(enabledChecks(Known, {}),
            (V{"cv-wait-without-predicate", "lock-double-lock", "lock-not-released"}));
  EXPECT_EQ(enabledChecks(Known, {"-*,lock-*"}),
            (V{"lock-double-lock", "lock-not-released"}));
  // A later list (--checks) overrides an earlier one (the config's).
  EXPECT_EQ(enabledChecks(Known, {"-*,lock-*", "-lock-not-released,cv-*"}),
            (V{"cv-wait-without-predicate", "lock-double-lock"}));
  EXPECT_EQ(enabledChecks(Known, {"-*"}), V{});
}
