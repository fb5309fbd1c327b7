//===- TranslationUnitTest.cpp - The command line a TU is analyzed with ---===//
#include "lockstep/driver/TranslationUnit.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

using namespace lockstep;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

static clang::tooling::CompileCommand command(std::vector<std::string> Args) {
  return clang::tooling::CompileCommand("/build", "/src/a.cpp", std::move(Args),
                                        "");
}

TEST(TranslationUnitTest, CommandIsSyntaxOnlyWithResourceDir) {
  auto Args = adjustedCommandLine(
      command({"g++", "-O2", "-MD", "-MF", "a.d", "-c", "/src/a.cpp", "-o", "a.o"}),
      {});
  EXPECT_EQ(Args.front(), "g++");
  EXPECT_EQ(Args[1], "-resource-dir=" LOCKSTEP_CLANG_RESOURCE_DIR);
  EXPECT_THAT(Args, Contains("-fsyntax-only"));
  EXPECT_THAT(Args, Contains("-Wno-error"));
  EXPECT_THAT(Args, Not(Contains("-o")));
  EXPECT_THAT(Args, Not(Contains("a.o")));
  EXPECT_THAT(Args, Not(Contains("-MF")));
  EXPECT_THAT(Args, Contains("/src/a.cpp"));
}

TEST(TranslationUnitTest, ExistingResourceDirIsKept) {
  for (auto Given : {std::vector<std::string>{"-resource-dir", "/mine"},
                     std::vector<std::string>{"-resource-dir=/mine"}}) {
    std::vector<std::string> Cmd = {"clang++"};
    Cmd.insert(Cmd.end(), Given.begin(), Given.end());
    Cmd.push_back("/src/a.cpp");
    auto Args = adjustedCommandLine(command(Cmd), {});
    int Count = 0;
    for (const std::string &A : Args)
      Count += llvm::StringRef(A).startswith("-resource-dir");
    EXPECT_EQ(Count, 1);
  }
}

TEST(TranslationUnitTest, ExtraArgsGoBeforeDoubleDash) {
  auto Args = adjustedCommandLine(command({"clang++", "-c", "--", "/src/a.cpp"}),
                                  {"-DX", "-Iinc"});
  ASSERT_GE(Args.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(Args.end() - 4, Args.end()),
              ElementsAre("-DX", "-Iinc", "--", "/src/a.cpp"));
}

TEST(TranslationUnitTest, StandardInputIsRefused) {
  TUResult R = analyzeTranslationUnit(
      clang::tooling::CompileCommand("/", "-", {"clang++", "-x", "c++", "-"}, ""),
      {}, Config(), {"fake-alpha"});
  EXPECT_TRUE(R.Failed);
  EXPECT_EQ(R.Message, "the compile command reads its source from standard input");
}
