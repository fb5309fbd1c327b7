//===- ChecksTest.cpp - Each check on buggy snippets and clean look-alikes ===//
#include "RunChecks.h"
#include "gtest/gtest.h"

using namespace lockstep;
using namespace lockstep::test;
using IdLines = std::vector<std::pair<std::string, unsigned>>;

namespace {
TEST(ChecksTest, Placeholder) { EXPECT_TRUE(runChecks("int x;").empty()); }
} // namespace
