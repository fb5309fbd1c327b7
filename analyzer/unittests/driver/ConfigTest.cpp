//===- ConfigTest.cpp - Reading and finding .lockstep.yaml ----------------===//
//
// Check names here are the fake checks' (FakeChecks.cpp).
//
//===----------------------------------------------------------------------===//
#include "TestProject.h"
#include "lockstep/analyzer/Config.h"
#include "gtest/gtest.h"

using namespace lockstep;
using namespace lockstep::test;

namespace {

/// The error loading \p Text gives ("" when it loads).
std::string errorOf(const std::string &Text) {
  TestProject P;
  P.write(".lockstep.yaml", Text);
  auto Cfg = loadConfigFile(P.path(".lockstep.yaml"));
  if (Cfg)
    return "";
  std::string Msg = llvm::toString(Cfg.takeError());
  // Tests compare the part after the path.
  std::string Prefix = P.path(".lockstep.yaml") + ":";
  EXPECT_EQ(Msg.rfind(Prefix, 0), 0u) << Msg;
  return Msg.substr(std::min(Prefix.size(), Msg.size()));
}

} // namespace

TEST(ConfigTest, ReadsEveryDocumentedKey) {
  TestProject P;
  P.write(".lockstep.yaml", R"(# in-house wrappers
checks: '-*,fake-*'
wrappers:
  - function: 'MyMutex::Acquire'
    acquires: this
  - function: 'MyMutex::Release'
    releases: this
  - function: ns::MyMutex::TryAcquire
    try-acquires: this
    success: false
  - function: 'lock_it'
    acquires: 1
    shared: true
blocking-functions: ['MyQueue::Pop', 'rpc::Call']
check-options:
  fake-alpha.Strict: true
  fake-alpha.Verbose: false
)");
  auto Cfg = loadConfigFile(P.path(".lockstep.yaml"));
  ASSERT_TRUE(bool(Cfg)) << llvm::toString(Cfg.takeError());
  EXPECT_EQ(Cfg->SourcePath, P.path(".lockstep.yaml"));
  EXPECT_EQ(Cfg->Checks, std::optional<std::string>("-*,fake-*"));
  ASSERT_EQ(Cfg->Wrappers.size(), 4u);
  EXPECT_EQ(Cfg->Wrappers[0].Function, "MyMutex::Acquire");
  EXPECT_EQ(Cfg->Wrappers[0].Kind, WrapperSpec::Effect::Acquire);
  EXPECT_EQ(Cfg->Wrappers[0].Argument, -1);
  EXPECT_EQ(Cfg->Wrappers[1].Kind, WrapperSpec::Effect::Release);
  EXPECT_EQ(Cfg->Wrappers[2].Function, "ns::MyMutex::TryAcquire");
  EXPECT_EQ(Cfg->Wrappers[2].Kind, WrapperSpec::Effect::TryAcquire);
  EXPECT_FALSE(Cfg->Wrappers[2].Success);
  EXPECT_EQ(Cfg->Wrappers[3].Argument, 1);
  EXPECT_TRUE(Cfg->Wrappers[3].Shared);
  EXPECT_FALSE(Cfg->Wrappers[0].Shared);
  EXPECT_EQ(Cfg->BlockingFunctions,
            (std::vector<std::string>{"MyQueue::Pop", "rpc::Call"}));
  EXPECT_TRUE(Cfg->option("fake-alpha.Strict", false));
  EXPECT_FALSE(Cfg->option("fake-alpha.Verbose", true));
  EXPECT_TRUE(Cfg->option("fake-beta.Strict", true)); // not set: the default
}

TEST(ConfigTest, EmptyFilesAndEmptyListsAreValid) {
  EXPECT_EQ(errorOf(""), "");
  EXPECT_EQ(errorOf("# nothing\n"), "");
  EXPECT_EQ(errorOf("wrappers:\nblocking-functions: []\n"), "");
  EXPECT_EQ(errorOf("check-options:\n"), "");
}

TEST(ConfigTest, BadFilesNameLineAndProblem) {
  EXPECT_EQ(errorOf("checks: '-*'\nwrapers: []\n"),
            "2:1: unknown key 'wrapers' (expected checks, wrappers, "
            "blocking-functions, check-options)");
  EXPECT_EQ(errorOf("check-options: [a]\n"),
            "1:17: 'check-options' must be a mapping of "
            "'<check-id>.<Option>' to true or false");
  EXPECT_EQ(errorOf("check-options:\n  nope.Strict: true\n"),
            "2:3: check option 'nope.Strict' names no check (see "
            "--list-checks)");
  EXPECT_EQ(errorOf("check-options:\n  fake-alpha: true\n"),
            "2:3: check option 'fake-alpha' must be written "
            "'<check-id>.<Option>'");
  EXPECT_EQ(errorOf("check-options:\n  fake-alpha.Strikt: true\n"),
            "2:3: unknown option 'Strikt' of check 'fake-alpha' (it has "
            "Strict, Verbose)");
  EXPECT_EQ(errorOf("check-options:\n  fake-beta.Strict: true\n"),
            "2:3: unknown option 'Strict' of check 'fake-beta' (it has none)");
  EXPECT_EQ(errorOf("check-options:\n  fake-alpha.Strict: 1\n"),
            "2:22: 'fake-alpha.Strict' must be true or false, not '1'");
  EXPECT_EQ(errorOf("check-options:\n  fake-alpha.Strict: true\n"
                    "  fake-alpha.Strict: false\n"),
            "3:3: duplicate key 'fake-alpha.Strict'");
  EXPECT_EQ(errorOf("checks: [a]\n"), "1:10: 'checks' must be a string");
  EXPECT_EQ(errorOf("checks: 'fake-*,nope'\n"),
            "1:9: unknown check 'nope' (see --list-checks)");
  EXPECT_EQ(errorOf("checks: 'lock-*'\n"),
            "1:9: glob 'lock-*' matches no check (see --list-checks)");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: -1\n"),
            "3:15: 'acquires' must be 'this' or an argument index from 0 to "
            "255, not '-1'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: first\n"),
            "3:15: 'acquires' must be 'this' or an argument index from 0 to "
            "255, not 'first'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: 300\n"),
            "3:15: 'acquires' must be 'this' or an argument index from 0 to "
            "255, not '300'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n"),
            "2:5: wrapper 'f' needs exactly one of 'acquires', 'releases', "
            "'try-acquires'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: 0\n    releases: 0\n"),
            "2:5: wrapper 'f' needs exactly one of 'acquires', 'releases', "
            "'try-acquires'");
  EXPECT_EQ(errorOf("wrappers:\n  - acquires: 0\n"), "2:5: a wrapper needs a 'function'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: 0\n    success: true\n"),
            "4:5: 'success' only applies to 'try-acquires'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: 0\n    shared: yes\n"),
            "4:13: 'shared' must be true or false, not 'yes'");
  EXPECT_EQ(errorOf("wrappers:\n  - function: f\n    acquires: 0\n    flavor: x\n"),
            "4:5: unknown key 'flavor' in a wrapper (expected function, "
            "acquires, releases, try-acquires, shared, success)");
  EXPECT_EQ(errorOf("wrappers: f\n"), "1:11: 'wrappers' must be a list");
  EXPECT_EQ(errorOf("wrappers:\n  - f\n"),
            "2:5: each entry of 'wrappers' must be a mapping with 'function' "
            "and one of 'acquires', 'releases', 'try-acquires'");
  EXPECT_EQ(errorOf("blocking-functions: [a, {b: c}]\n"),
            "1:26: each entry of 'blocking-functions' must be a string");
  EXPECT_EQ(errorOf("checks: fake-alpha\nchecks: fake-beta\n"), "2:1: duplicate key 'checks'");
  EXPECT_EQ(errorOf("- a\n- b\n"),
            "1:1: the top level must be a mapping (checks, wrappers, "
            "blocking-functions, check-options)");
  EXPECT_EQ(errorOf("checks: '-*\n"), "1:12: Expected quote at end of scalar");
  EXPECT_EQ(errorOf("checks: '-*'\n---\nchecks: '*'\n"),
            "3:1: a config file holds one YAML document");
}

TEST(ConfigTest, SyntaxErrorsAreReportedBeforeValues) {
  // The unclosed list is the problem, not the type of the half-read value.
  EXPECT_EQ(errorOf("checks: [unclosed\n"), "1:18: Could not find closing ]!");
  std::string E =
      errorOf("wrappers:\n  - function: f\n    acquires: 0\n  - {function: g\n");
  EXPECT_EQ(E.find("wrapper"), std::string::npos) << E;
  EXPECT_EQ(E.rfind("4:17: Unexpected token", 0), 0u) << E;
}

TEST(ConfigTest, OnlyUtf8TextIsAConfig) {
  using namespace std::string_literals;
  // "checks: '*'" saved as UTF-16, with and without a byte order mark.
  std::string Utf16;
  for (char C : "checks: '*'\n"s)
    Utf16 += std::string{C, '\0'};
  EXPECT_EQ(errorOf("\xFF\xFE" + Utf16),
            "1:1: the file is UTF-16 encoded; save it as UTF-8");
  EXPECT_EQ(errorOf(Utf16),
            "1:2: a NUL byte: this is not a text file (UTF-16 without a byte "
            "order mark? save it as UTF-8)");
  EXPECT_EQ(errorOf("\x7F" "ELF\x02\x01\x01\0\0\0"s),
            "1:8: a NUL byte: this is not a text file (UTF-16 without a byte "
            "order mark? save it as UTF-8)");
  EXPECT_EQ(errorOf("checks: '*'\n# caf\xE9\n"),
            "2:6: invalid UTF-8: this is not a UTF-8 text file");
  // UTF-8, with or without its byte order mark, is fine.
  EXPECT_EQ(errorOf("\xEF\xBB\xBF" "checks: 'fake-*' # caf\xC3\xA9\n"), "");
}

TEST(ConfigTest, UnreadableFileIsAnError) {
  auto Cfg = loadConfigFile("/nonexistent/.lockstep.yaml");
  ASSERT_FALSE(bool(Cfg));
  EXPECT_NE(llvm::toString(Cfg.takeError())
                .find("/nonexistent/.lockstep.yaml: cannot read config file"),
            std::string::npos);
}

TEST(ConfigTest, FindsTheNearestConfigAbove) {
  TestProject P;
  P.write("src/deep/a.cpp", "");
  P.write("b.cpp", "");
  P.write("src/.lockstep.yaml", "");
  EXPECT_EQ(findConfigFor(P.path("src/deep/a.cpp")),
            std::optional<std::string>(P.path("src/.lockstep.yaml")));
  P.write("src/deep/.lockstep.yaml", "");
  EXPECT_EQ(findConfigFor(P.path("src/deep/a.cpp")),
            std::optional<std::string>(P.path("src/deep/.lockstep.yaml")));
  P.write(".lockstep.yaml", "");
  EXPECT_EQ(findConfigFor(P.path("b.cpp")),
            std::optional<std::string>(P.path(".lockstep.yaml")));
  EXPECT_EQ(findConfigFor(P.path("src/deep/../../b.cpp")),
            std::optional<std::string>(P.path(".lockstep.yaml")));
}
