// Tests of the suppressions file format and of matching reports against it.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "suppressions.hpp"

namespace lockstep::rt {
namespace {

TEST(GlobTest, MatchesWholeStrings) {
  EXPECT_TRUE(glob_match("abc", "abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  EXPECT_FALSE(glob_match("bc", "abc"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*", "abc"));
  EXPECT_TRUE(glob_match("*c", "abc"));
  EXPECT_TRUE(glob_match("a*c*e", "abcde"));
  EXPECT_FALSE(glob_match("a*c*e", "abcdf"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("*::add*", "Counter::add(int)"));
  EXPECT_TRUE(glob_match("**a**", "xxaxx"));
  EXPECT_FALSE(glob_match("", "a"));
}

frame make_frame(std::string function, std::string file, std::string module) {
  frame f;
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = 3;
  f.module = std::move(module);
  return f;
}

TEST(SuppressionsTest, ParsesRulesCommentsAndBlankLines) {
  suppression_list list;
  std::string error;
  ASSERT_TRUE(list.parse("# a comment\n\n  data-race:Counter::*  \nlock-*:*/third_party/*\r\n*:libfoo.so\n",
                         "supp.txt", error))
      << error;
  ASSERT_EQ(list.rules().size(), 3u);
  EXPECT_EQ(list.rules()[0].kind, "data-race");
  EXPECT_EQ(list.rules()[0].pattern, "Counter::*");
  EXPECT_EQ(list.rules()[0].line, 3);
  EXPECT_EQ(list.rules()[1].kind, "lock-*");
  EXPECT_EQ(list.rules()[1].pattern, "*/third_party/*");
  EXPECT_EQ(list.rules()[2].line, 5);
}

TEST(SuppressionsTest, CommentsAfterARuleAreNotPartOfItsPattern) {
  // The layout of the documentation's own example (runtime/docs/options.md).
  suppression_list list;
  std::string error;
  ASSERT_TRUE(list.parse("data-race:Counter::add          # a function\n"
                         "deadlock:libvendor.so\t# a module\n"
                         "*:*/a#b/*   # a '#' inside a word is part of the pattern\n",
                         "s", error))
      << error;
  ASSERT_EQ(list.rules().size(), 3u);
  EXPECT_EQ(list.rules()[0].pattern, "Counter::add");
  EXPECT_EQ(list.rules()[1].pattern, "libvendor.so");
  EXPECT_EQ(list.rules()[2].pattern, "*/a#b/*");
  std::vector<frame> racy = {make_frame("Counter::add(int)", "/src/counter.cpp", "/bin/app")};
  EXPECT_NE(list.match("data-race", {&racy}), nullptr);
}

TEST(SuppressionsTest, ABinaryFileIsAnError) {
  const std::string elf_start("\x7f" "ELF\x02\x01\x01\0\0\0", 12);
  const std::string texts[] = {elf_start, std::string("data-race:f\n\0\0\0:\0", 17), "# x\ndeadlock:a\x01b\n"};
  const int lines[] = {1, 2, 2};
  for (int i = 0; i < 3; ++i) {
    suppression_list list;
    std::string error;
    EXPECT_FALSE(list.parse(texts[i], "s.bin", error)) << i;
    EXPECT_EQ(error.rfind("s.bin:" + std::to_string(lines[i]) + ": not a text file (byte 0x", 0), 0u) << error;
  }
}

TEST(SuppressionsTest, MalformedLinesNameFileAndLine) {
  struct {
    const char *text;
    const char *message;
  } cases[] = {
      {"data-race:ok\nno colon here\n", "s.txt:2: expected 'kind:pattern', got 'no colon here'"},
      {"\n\n:foo\n", "s.txt:3: missing report kind before ':' in ':foo'"},
      {"deadlock:\n", "s.txt:1: missing pattern after 'deadlock:'"},
      {"race:foo\n", "s.txt:1: unknown report kind 'race' (did you mean 'data-race'?)"},
      {"# ok\nlocks-*:foo\n", "s.txt:2: unknown report kind 'locks-*'"},
  };
  for (const auto &c : cases) {
    suppression_list list;
    std::string error;
    EXPECT_FALSE(list.parse(c.text, "s.txt", error)) << c.text;
    EXPECT_EQ(error, c.message) << c.text;
  }
}

TEST(SuppressionsTest, UnreadableFileIsAnError) {
  suppression_list list;
  std::string error;
  EXPECT_FALSE(list.load_file("/nonexistent/lockstep.supp", error));
  EXPECT_NE(error.find("cannot read suppressions file '/nonexistent/lockstep.supp'"), std::string::npos) << error;
}

TEST(SuppressionsTest, LoadsAFile) {
  std::string path = ::testing::TempDir() + "lockstep_supp_test.txt";
  std::ofstream(path) << "deadlock:main\nthread-leak:worker*\n";
  suppression_list list;
  std::string error;
  ASSERT_TRUE(list.load_file(path, error)) << error;
  EXPECT_EQ(list.rules().size(), 2u);
  std::remove(path.c_str());
}

TEST(SuppressionsTest, MatchesFunctionFileAndModuleOfAnyFrame) {
  suppression_list list;
  std::string error;
  ASSERT_TRUE(list.parse("data-race:Counter::add\n"
                         "deadlock:pool.cpp\n"
                         "lock-order-inversion:libthird.so\n"
                         "*:*/vendor/*\n",
                         "s", error))
      << error;
  std::vector<frame> racy = {make_frame("helper()", "/src/helper.cpp", "/bin/app"),
                             make_frame("Counter::add(int) const", "/src/counter.cpp", "/bin/app")};
  std::vector<frame> pooled = {make_frame("Pool::get()", "/src/pool.cpp", "/bin/app")};
  std::vector<frame> third = {make_frame("x()", "", "/usr/lib/libthird.so")};
  std::vector<frame> vendor = {make_frame("v()", "/src/vendor/v.cpp", "/bin/app")};
  std::vector<frame> other = {make_frame("main", "/src/main.cpp", "/bin/app")};

  // The parameter list is ignored ("Counter::add" matches "Counter::add(int) const"),
  // and it is enough for a later frame to match.
  const suppression *s = list.match("data-race", {&other, &racy});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->line, 1);
  EXPECT_EQ(s->hits, 1u);
  // The kind must match: the same stacks in a deadlock report are not suppressed.
  EXPECT_EQ(list.match("deadlock", {&racy}), nullptr);
  // A file base name, a module base name, a path glob under any kind.
  EXPECT_NE(list.match("deadlock", {&pooled}), nullptr);
  EXPECT_EQ(list.match("data-race", {&pooled}), nullptr);
  EXPECT_NE(list.match("lock-order-inversion", {&third}), nullptr);
  EXPECT_NE(list.match("thread-leak", {&vendor}), nullptr);
  EXPECT_EQ(list.match("data-race", {&other}), nullptr);
  EXPECT_EQ(list.match("data-race", {}), nullptr);
}

TEST(SuppressionsTest, EveryKindOfTheDesignIsAccepted) {
  for (std::string_view kind : known_report_kinds) {
    suppression_list list;
    std::string error;
    EXPECT_TRUE(list.parse(std::string(kind) + ":foo", "s", error)) << error;
  }
}

}  // namespace
}  // namespace lockstep::rt
