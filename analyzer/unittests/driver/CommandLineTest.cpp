//===- CommandLineTest.cpp - End-to-end runs of lockstep-check ------------===//
//
// Runs lockstep-check (main + driver, linked with the fake checks of
// FakeChecks.cpp) on generated projects and asserts exit status, output and
// error messages for every input case the tool promises to handle; and runs
// the reference SARIF validator on real output.
//
//===----------------------------------------------------------------------===//
#include "TestProject.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <algorithm>

using namespace lockstep::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const char *const FakeHeader = R"(#pragma once
void report_fake_alpha(const char *Msg = "alpha");
void report_fake_beta(const char *Msg = "beta");
void report_other_gamma(const char *Msg = "gamma");
void report_fake_config();
)";

ToolRun tool(const TestProject &P, std::vector<std::string> Args) {
  return runProgram(LOCKSTEP_FAKE_TOOL, Args, P.root());
}

std::string describe(const ToolRun &R) {
  return "status " + std::to_string(R.Status) + (R.TimedOut ? " (timed out)" : "") +
         "\n--- stdout\n" + R.Out + "--- stderr\n" + R.Err;
}

/// Runs the tool, which must fail with a usage or tool error (status 2) and
/// say \p Message on stderr.
ToolRun expectToolError(const TestProject &P, std::vector<std::string> Args,
                        const std::string &Message) {
  ToolRun R = tool(P, std::move(Args));
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_THAT(R.Err, HasSubstr(Message)) << describe(R);
  return R;
}

/// A project whose a.cpp has three findings (and one suppressed) and
/// b.cpp one, both in the database under build/.
void writeBasicProject(const TestProject &P) {
  P.write("fake.h", FakeHeader);
  P.write("a.cpp", "#include \"fake.h\"\n"
                   "void f() {\n"
                   "  report_fake_alpha(\"first\");\n"
                   "  report_fake_beta(\"second\");\n"
                   "  report_fake_beta(\"x\"); // NOLINT(fake-beta)\n"
                   "  report_fake_alpha(\"y\"); // NOLINT(fake-beta)\n"
                   "}\n");
  P.write("b.cpp", "#include \"fake.h\"\n"
                   "void g() { report_other_gamma(\"third\"); }\n");
  P.writeCompileCommands({"a.cpp", "b.cpp"});
}

} // namespace

TEST(CommandLineTest, TextOutputHasClangTidyShapeAndExitsOne) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = tool(P, {"-p", "build"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  std::string A = P.path("a.cpp"), B = P.path("b.cpp"), H = P.path("fake.h");
  EXPECT_EQ(R.Out, A + ":3:3: warning: first [fake-alpha]\n" + H +
                       ":2:6: note: declared here\n" + A +
                       ":4:3: warning: second [fake-beta]\n" + H +
                       ":3:6: note: declared here\n" + A +
                       ":6:3: warning: y [fake-alpha]\n" + H +
                       ":2:6: note: declared here\n" + B +
                       ":2:12: warning: third [other-gamma]\n" + H +
                       ":4:6: note: declared here\n");
  EXPECT_THAT(R.Err, HasSubstr("1 finding(s) suppressed by NOLINT comments"));
}

TEST(CommandLineTest, SaysWhereFlowAnalysisGaveUp) {
  // One line for the whole run; a function in a header shared by two units
  // is named once.
  TestProject P;
  P.write("h.h", "#pragma once\nvoid give_up_here();\n"
                 "inline void Shared() { give_up_here(); }\n");
  P.write("a.cpp", "#include \"h.h\"\nvoid A() { give_up_here(); }\n");
  P.write("b.cpp", "#include \"h.h\"\nvoid B() { Shared(); }\n");
  P.writeCompileCommands({"a.cpp", "b.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_THAT(R.Err,
              HasSubstr("lockstep-check: flow analysis gave up on 2 function(s) "
                        "(too many paths); findings in them may be missing: " +
                        P.path("a.cpp") + ":2 'A' " + P.path("h.h") +
                        ":3 'Shared'\n"))
      << describe(R);
  P.write("a.cpp", "int main() { return 0; }\n");
  R = tool(P, {"-p", "build", "a.cpp"});
  EXPECT_THAT(R.Err, Not(HasSubstr("gave up"))) << describe(R);
}

TEST(CommandLineTest, NoFindingsExitsZero) {
  TestProject P;
  P.write("a.cpp", "int main() { return 0; }\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_EQ(R.Out, "");
}

TEST(CommandLineTest, ChecksGlobsSelect) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = tool(P, {"-p", "build", "--checks=-*,other-*"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("[other-gamma]"));
  EXPECT_THAT(R.Out, Not(HasSubstr("[fake-")));
  R = expectToolError(P, {"-p", "build", "--checks=-*"}, "no checks enabled");
}

TEST(CommandLineTest, UnknownCheckNameIsAUsageError) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = expectToolError(P, {"-p", "build", "--checks=-*,fake-alpah"}, "unknown check 'fake-alpah'");
  EXPECT_EQ(R.Out, "");
  R = expectToolError(P, {"-p", "build", "--checks=lock-*"}, "glob 'lock-*' matches no check");
}

TEST(CommandLineTest, BadCommandLinesAreUsageErrors) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = expectToolError(P, {}, "nothing to analyze");
  R = expectToolError(P, {"-p", "build", "--format=xml"}, "xml");
  R = tool(P, {"-p", "build", "--no-such-option"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  R = tool(P, {"-p", "build", "-j", "many"});
  EXPECT_EQ(R.Status, 2) << describe(R);
}

TEST(CommandLineTest, MissingOrMalformedDatabase) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = expectToolError(P, {"-p", "nowhere"}, "build directory 'nowhere' does not exist");

  P.write("empty/README", "");
  R = expectToolError(P, {"-p", "empty"}, "no compile_commands.json in 'empty'");

  P.write("bad/compile_commands.json", "[{\"directory\": \"/\", ");
  R = expectToolError(P, {"-p", "bad"}, "malformed compilation database");

  P.write("wrong/compile_commands.json", "{\"file\": \"a.cpp\"}");
  R = expectToolError(P, {"-p", "wrong"}, "malformed compilation database");

  // Clang's reader takes a number for a file name.
  P.write("number/compile_commands.json",
          "[{\"directory\": \"" + P.root() +
              "\", \"command\": \"clang++ -c a.cpp\", \"file\": 5}]");
  R = expectToolError(P, {"-p", "number"}, "malformed compilation database");
  EXPECT_THAT(R.Err, HasSubstr("entry 0 (line 1, column "));
  EXPECT_THAT(R.Err, HasSubstr("'file' must be a string"));
  P.write("number/compile_commands.json",
          "[{\"directory\": \"" + P.root() +
              "\", \"arguments\": [\"clang++\", true, \"a.cpp\"], \"file\": \"a.cpp\"}]");
  R = expectToolError(P, {"-p", "number"}, "each of 'arguments' must be a string");

  P.write("none/compile_commands.json", "[]");
  R = expectToolError(P, {"-p", "none"}, "has no entries");

  // The path of the file itself works as well as its directory.
  R = tool(P, {"-p", "build/compile_commands.json", "b.cpp"});
  EXPECT_EQ(R.Status, 1) << describe(R);
}

TEST(CommandLineTest, SourcesMustExistAndBeInTheDatabase) {
  TestProject P;
  writeBasicProject(P);
  P.write("c.cpp", "int c;\n");
  ToolRun R = expectToolError(P, {"-p", "build", "c.cpp", "missing.cpp", "b.cpp"}, "'c.cpp' is not in the compilation database");
  EXPECT_THAT(R.Err, HasSubstr("no such source file: 'missing.cpp'"));
  EXPECT_EQ(R.Out, "");

  R = tool(P, {"-p", "build", "b.cpp"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("[other-gamma]"));
  EXPECT_THAT(R.Out, Not(HasSubstr("a.cpp")));
}

TEST(CommandLineTest, BrokenTranslationUnitIsAnErrorAndOthersAreStillAnalyzed) {
  TestProject P;
  writeBasicProject(P);
  P.write("broken.cpp", "#include \"fake.h\"\nvoid h() { report_fake_alpha(\"x\") }\n");
  P.writeCompileCommands({"a.cpp", "broken.cpp", "b.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("[fake-alpha]"));
  EXPECT_THAT(R.Out, HasSubstr("[other-gamma]"));
  EXPECT_THAT(R.Out, Not(HasSubstr("broken.cpp")));
  EXPECT_THAT(R.Err, HasSubstr(P.path("broken.cpp") +
                               ": the translation unit does not compile"));
  EXPECT_THAT(R.Err, HasSubstr("broken.cpp:2:34: error: expected ';'"));
  EXPECT_THAT(R.Err, HasSubstr("1 of 3 translation unit(s) could not be analyzed"));

  // In JSON the error is part of the document too.
  R = tool(P, {"-p", "build", "--format=json"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  auto V = llvm::json::parse(R.Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  const llvm::json::Array *Errors = V->getAsObject()->getArray("errors");
  ASSERT_EQ(Errors->size(), 1u);
  EXPECT_EQ((*Errors)[0].getAsObject()->getString("file"),
            llvm::StringRef(P.path("broken.cpp")));
}

TEST(CommandLineTest, StandardAndBuiltinHeadersAreFound) {
  // <cstddef> needs Clang's builtin stddef.h: the resource directory.
  TestProject P;
  P.write("fake.h", FakeHeader);
  P.write("a.cpp", "#include <cstddef>\n#include <mutex>\n#include <thread>\n"
                   "#include <stdatomic.h>\n#include \"fake.h\"\n"
                   "std::mutex m;\nvoid f() { std::size_t n = 0; (void)n; "
                   "report_fake_alpha(\"ok\"); }\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("ok [fake-alpha]"));
}

TEST(CommandLineTest, AnalyzerCrashIsAnErrorForThatUnitOnly) {
  TestProject P;
  writeBasicProject(P);
  P.write("crash.cpp", "void crash_the_analyzer();\nvoid c() { crash_the_analyzer(); }\n");
  P.writeCompileCommands({"a.cpp", "crash.cpp", "b.cpp"});
  for (const char *Jobs : {"-j1", "-j3"}) {
    ToolRun R = tool(P, {"-p", "build", Jobs});
    EXPECT_EQ(R.Status, 2) << describe(R);
    EXPECT_THAT(R.Out, HasSubstr("[fake-alpha]"));
    EXPECT_THAT(R.Out, HasSubstr("[other-gamma]"));
    EXPECT_THAT(R.Err, HasSubstr(P.path("crash.cpp") + ": the analyzer crashed"));
  }
}

TEST(CommandLineTest, MissingHeaderIsACompileError) {
  TestProject P;
  P.write("a.cpp", "#include \"nope.h\"\nint a;\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = expectToolError(P, {"-p", "build"}, "'nope.h' file not found");
}

TEST(CommandLineTest, ExtraArgumentsAfterDoubleDash) {
  TestProject P;
  P.write("fake.h", FakeHeader);
  P.write("a.cpp", "#include \"fake.h\"\n"
                   "void f() {\n"
                   "#ifdef EXTRA\n"
                   "  report_fake_alpha(\"extra\");\n"
                   "#endif\n"
                   "}\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  R = tool(P, {"-p", "build", "--", "-DEXTRA"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("extra [fake-alpha]"));
  // Without -p, the arguments after -- are the whole compile command.
  R = tool(P, {"a.cpp", "--", "-std=c++17", "-DEXTRA"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr(P.path("a.cpp") + ":4:3: warning: extra [fake-alpha]"));
}

TEST(CommandLineTest, ConfigIsSearchedUpwardPerFileUnlessGiven) {
  TestProject P;
  P.write("fake.h", FakeHeader);
  P.write("top.cpp", "#include \"fake.h\"\nvoid f() { report_fake_config(); }\n");
  P.write("sub/low.cpp", "#include \"../fake.h\"\nvoid f() { report_fake_config(); }\n");
  P.write(".lockstep.yaml", "blocking-functions: ['a']\n");
  P.write("sub/.lockstep.yaml",
          "checks: '-*,fake-config'\n"
          "wrappers:\n  - function: w\n    acquires: 0\n");
  P.writeCompileCommands({"top.cpp", "sub/low.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("config '" + P.path(".lockstep.yaml") +
                               "' checks '' wrappers 0 blocking 1"));
  EXPECT_THAT(R.Out, HasSubstr("config '" + P.path("sub/.lockstep.yaml") +
                               "' checks '-*,fake-config' wrappers 1 blocking 0"));

  P.write("other.yaml", "blocking-functions: [x, y, z]\n");
  R = tool(P, {"-p", "build", "--config=other.yaml"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("config 'other.yaml' checks '' wrappers 0 blocking 3"));
  EXPECT_THAT(R.Out, Not(HasSubstr(".lockstep.yaml")));
}

TEST(CommandLineTest, CommandLineChecksApplyAfterConfig) {
  TestProject P;
  writeBasicProject(P);
  // The config disables fake-beta; --checks, applied after it, turns it back on.
  P.write(".lockstep.yaml", "checks: '-fake-beta'\n");
  ToolRun R = tool(P, {"-p", "build", "--checks=-*,other-*,fake-beta"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("[other-gamma]"));
  EXPECT_THAT(R.Out, HasSubstr("[fake-beta]"));
  EXPECT_THAT(R.Out, Not(HasSubstr("[fake-alpha]")));
  // Without --checks the config alone decides.
  R = tool(P, {"-p", "build"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("[fake-alpha]"));
  EXPECT_THAT(R.Out, Not(HasSubstr("[fake-beta]")));
  // --help says the same.
  R = tool(P, {"--help"});
  EXPECT_THAT(R.Out, HasSubstr("'checks:' entry is applied first"));
  EXPECT_THAT(R.Out, Not(HasSubstr("applied after this one")));
}

TEST(CommandLineTest, InvalidOrUnreadableConfigIsAnError) {
  TestProject P;
  writeBasicProject(P);
  P.write(".lockstep.yaml", "checks: '*'\nwrappers:\n  - function: f\n    aquires: 0\n");
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_THAT(R.Err, HasSubstr(P.path(".lockstep.yaml") +
                               ":4:5: unknown key 'aquires' in a wrapper"));
  EXPECT_EQ(R.Out, "");

  R = expectToolError(P, {"-p", "build", "--config=missing.yaml"}, "missing.yaml: cannot read config file");

  P.write(".lockstep.yaml", "checks: 'fake-*,sem-*'\n");
  R = expectToolError(P, {"-p", "build"}, ":1:9: glob 'sem-*' matches no check");
}

TEST(CommandLineTest, BaselineHidesKnownFindingsEvenAfterLinesShift) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = tool(P, {"-p", "build", "--format=json", "--output=base.json"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(R.Out, "");
  R = tool(P, {"-p", "build", "--format=sarif", "--output=base.sarif"});
  ASSERT_EQ(R.Status, 1) << describe(R);

  // Shift every line down and add one new finding.
  P.write("a.cpp", "#include \"fake.h\"\n\n\n// moved\n"
                   "void f() {\n"
                   "    report_fake_alpha(\"first\");\n"
                   "  report_fake_beta(\"second\");\n"
                   "  report_fake_beta(\"x\"); // NOLINT(fake-beta)\n"
                   "  report_fake_alpha(\"y\"); // NOLINT(fake-beta)\n"
                   "  report_fake_alpha(\"new\");\n"
                   "}\n");
  for (const char *Base : {"--baseline=base.json", "--baseline=base.sarif"}) {
    R = tool(P, {"-p", "build", Base});
    ASSERT_EQ(R.Status, 1) << describe(R);
    EXPECT_EQ(R.Out, P.path("a.cpp") + ":10:3: warning: new [fake-alpha]\n" +
                         P.path("fake.h") + ":2:6: note: declared here\n");
    EXPECT_THAT(R.Err, HasSubstr("4 finding(s) already in the baseline"));
  }
  // A finding whose line text changed is new.
  P.write("b.cpp", "#include \"fake.h\"\n"
                   "void g2() { report_other_gamma(\"third\"); }\n");
  R = tool(P, {"-p", "build", "--baseline=base.json", "b.cpp"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("third [other-gamma]"));
}

TEST(CommandLineTest, LargeBaselineIsReadInLittleMemory) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = tool(P, {"-p", "build", "--format=json", "--output=base.json"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  // The real findings, then 150,000 of another project (about 60 MB): a
  // tree of the whole document took some fifty times the file's size.
  auto Doc = llvm::json::parse(P.read("base.json"));
  ASSERT_TRUE(bool(Doc)) << llvm::toString(Doc.takeError());
  llvm::json::Array *Findings = Doc->getAsObject()->getArray("findings");
  ASSERT_NE(Findings, nullptr);
  for (int I = 0; I < 150000; ++I)
    Findings->push_back(llvm::json::Object{
        {"check", "fake-alpha"},
        {"severity", "warning"},
        {"message", "elsewhere " + std::to_string(I) +
                        " with a message of a realistic length"},
        {"location",
         llvm::json::Object{
             {"file", "/elsewhere/module/file" + std::to_string(I % 977) + ".cpp"},
             {"line", 1},
             {"column", 1}}},
        {"notes", llvm::json::Array{llvm::json::Object{
                      {"message", "a note"},
                      {"location", llvm::json::Object{{"file", "/elsewhere/x.h"},
                                                      {"line", 2},
                                                      {"column", 3}}}}}},
        {"fingerprint", "0123456789abcdef"}});
  std::string Base;
  llvm::raw_string_ostream OS(Base);
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(*Doc)));
  OS.flush();
  P.write("big.json", Base);
  R = runProgram(LOCKSTEP_FAKE_TOOL, {"-p", "build", "--baseline=big.json"},
                 P.root(), 240, Stdout::Captured, /*MemoryLimitMB=*/1024);
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_THAT(R.Err, HasSubstr("4 finding(s) already in the baseline"));
}

TEST(CommandLineTest, InvalidOrUnreadableBaselineIsAnError) {
  TestProject P;
  writeBasicProject(P);
  ToolRun R = expectToolError(P, {"-p", "build", "--baseline=none.json"}, "baseline none.json: cannot read");
  P.write("bad.json", "{\"tool\": \"lockstep-check\", \"format-version\": 1, \"findings\": [3]}");
  R = expectToolError(P, {"-p", "build", "--baseline=bad.json"}, "baseline bad.json: findings[0] is not an object");
  P.write("text.json", "a.cpp:1:1: warning: x [fake-alpha]\n");
  R = expectToolError(P, {"-p", "build", "--baseline=text.json"}, "baseline text.json: invalid JSON");
}

TEST(CommandLineTest, OutputNeverClobbersInputs) {
  TestProject P;
  writeBasicProject(P);
  std::string Before = P.read("a.cpp");
  ToolRun R = tool(P, {"-p", "build", "--output=a.cpp"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_EQ(P.read("a.cpp"), Before);
  // A database source that is not analyzed this time is still protected.
  P.write("build/other.json", "[{\"directory\": \"" + P.root() +
                                  "\", \"command\": \"clang++ -c notes.txt\", "
                                  "\"file\": \"notes.txt\"}, "
                                  "{\"directory\": \"" + P.root() +
                                  "\", \"command\": \"clang++ -c b.cpp\", "
                                  "\"file\": \"b.cpp\"}]");
  P.write("notes.txt", "keep me");
  R = expectToolError(P, {"-p", "build/other.json", "b.cpp", "--output=notes.txt"}, "refusing to overwrite input file");
  EXPECT_EQ(P.read("notes.txt"), "keep me");
  R = expectToolError(P, {"-p", "build", "--output=build/compile_commands.json"}, "refusing to overwrite input file");
  EXPECT_THAT(P.read("build/compile_commands.json"), HasSubstr("a.cpp"));
  P.write("base.json", "{\"tool\": \"lockstep-check\", \"format-version\": 1, \"findings\": []}");
  R = expectToolError(P, {"-p", "build", "--baseline=base.json", "--output=./base.json"}, "refusing to overwrite input file");
  // A hard link to a source is the same file.
  ASSERT_FALSE(llvm::sys::fs::create_link(P.path("b.cpp"), P.path("link.txt")));
  R = expectToolError(P, {"-p", "build", "--output=link.txt"}, "refusing to overwrite input file");
  R = expectToolError(P, {"-p", "build", "--output=no/such/dir/out.txt"}, "does not exist");
  R = expectToolError(P, {"-p", "build", "--output=build"}, "is a directory");
  R = tool(P, {"-p", "build", "--output=report.txt"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(P.read("report.txt"), HasSubstr("[fake-alpha]"));
}

TEST(CommandLineTest, UnwritableStandardOutputIsOneErrorLine) {
  TestProject P;
  writeBasicProject(P);
  for (Stdout To : {Stdout::DiskFull, Stdout::ClosedPipe}) {
    for (const char *Format : {"--format=text", "--format=sarif"}) {
      ToolRun R = runProgram(LOCKSTEP_FAKE_TOOL, {"-p", "build", Format},
                             P.root(), 240, To);
      EXPECT_EQ(R.Status, 2) << describe(R);
      std::string Why = To == Stdout::DiskFull ? "No space left on device"
                                               : "Broken pipe";
      EXPECT_THAT(R.Err, HasSubstr("lockstep-check: error: cannot write the "
                                   "report to standard output: " + Why + "\n"))
          << describe(R);
      // One line about it: no crash message, no stack dump.
      EXPECT_THAT(R.Err, Not(HasSubstr("pure virtual"))) << describe(R);
      EXPECT_THAT(R.Err, Not(HasSubstr("Stack dump"))) << describe(R);
      EXPECT_EQ(std::count(R.Err.begin(), R.Err.end(), '\n'), 2)
          << describe(R); // that line and the NOLINT summary
    }
  }
}

TEST(CommandLineTest, OutputFileIsReplacedWholeOrNotAtAll) {
  TestProject P;
  writeBasicProject(P);
  // A run that analyzes writes its report through a temporary file next
  // to the destination, renamed over it when complete.
  P.write("report.txt", "an earlier report\n");
  ToolRun R = tool(P, {"-p", "build", "--output=report.txt"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(P.read("report.txt"), HasSubstr("[fake-alpha]"));
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(P.root(), EC), End;
       !EC && It != End; It.increment(EC))
    EXPECT_THAT(It->path(), Not(HasSubstr(".tmp"))) << "a temporary file is left";

  // A run stopped by bad input leaves the file alone and says it is old.
  R = expectToolError(P, {"-p", "build", "--checks=nope", "--output=report.txt"},
                      "unknown check 'nope'");
  EXPECT_THAT(R.Err, HasSubstr("--output='report.txt' was left as it was; it "
                               "is not a report of this run"));
  EXPECT_THAT(P.read("report.txt"), HasSubstr("[fake-alpha]"));

  // A run killed while analyzing leaves no earlier report to be mistaken
  // for its own.
  P.write("kill.cpp", "void kill_the_analyzer();\nvoid k() { kill_the_analyzer(); }\n");
  P.writeCompileCommands({"a.cpp", "kill.cpp"});
  R = tool(P, {"-p", "build", "-j1", "--output=report.txt"});
  EXPECT_EQ(R.Status, -1) << describe(R);
  EXPECT_FALSE(llvm::sys::fs::exists(P.path("report.txt")));
  EXPECT_THAT(R.Err, Not(HasSubstr("was left as it was")));
}

TEST(CommandLineTest, ParallelOutputIsIdenticalToSerial) {
  TestProject P;
  P.write("fake.h", FakeHeader);
  std::vector<std::string> Files;
  for (int I = 0; I < 8; ++I) {
    std::string Name = "f" + std::to_string(I) + ".cpp";
    std::string Body = "#include \"fake.h\"\nvoid f" + std::to_string(I) + "() {\n";
    for (int J = 0; J <= I; ++J)
      Body += "  report_fake_alpha(\"n" + std::to_string(J) + "\");\n";
    if (I % 3 == 0)
      Body += "  report_other_gamma();\n";
    P.write(Name, Body + "}\n");
    Files.push_back(Name);
  }
  P.write("broken.cpp", "int x = ;\n");
  Files.push_back("broken.cpp");
  P.writeCompileCommands(Files);
  for (const char *Format : {"--format=text", "--format=json", "--format=sarif"}) {
    ToolRun Serial = tool(P, {"-p", "build", "-j", "1", Format});
    ToolRun Parallel = tool(P, {"-p", "build", "-j", "4", Format});
    EXPECT_EQ(Serial.Status, 2) << describe(Serial);
    EXPECT_EQ(Parallel.Status, 2) << describe(Parallel);
    EXPECT_EQ(Serial.Out, Parallel.Out) << Format;
    EXPECT_EQ(Serial.Err, Parallel.Err) << Format;
    EXPECT_THAT(Serial.Out, HasSubstr("n7"));
  }
}

TEST(CommandLineTest, ListChecksAndVersion) {
  TestProject P;
  ToolRun R = tool(P, {"--list-checks", "--checks=-*,fake-*"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_EQ(R.Out, "Enabled checks (3 of 4):\n"
                   "    fake-alpha   The first fake check\n"
                   "    fake-beta    The second fake check\n"
                   "    fake-config  Reports the config a translation unit got\n");
  R = tool(P, {"--version"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("lockstep-check version " LOCKSTEP_VERSION));
  R = tool(P, {"--help"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("--baseline=<file>"));
  EXPECT_THAT(R.Out, HasSubstr("Exit status"));
}

TEST(CommandLineTest, HeaderFindingsAreReportedOnceAcrossTranslationUnits) {
  TestProject P;
  P.write("fake.h", FakeHeader);
  P.write("inl.h", "#pragma once\n#include \"fake.h\"\n"
                   "inline void shared() { report_fake_alpha(\"in header\"); }\n");
  P.write("a.cpp", "#include \"inl.h\"\n");
  P.write("b.cpp", "#include \"inl.h\"\n");
  P.writeCompileCommands({"a.cpp", "b.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(R.Out, P.path("inl.h") + ":3:24: warning: in header [fake-alpha]\n" +
                       P.path("fake.h") + ":2:6: note: declared here\n");
}

TEST(CommandLineTest, UnmatchedNolintBeginIsReported) {
  TestProject P;
  P.write("fake.h", FakeHeader);
  P.write("a.cpp", "#include \"fake.h\"\n// NOLINTBEGIN(fake-alpha)\n"
                   "void f() { report_fake_alpha(\"open\"); }\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = tool(P, {"-p", "build"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("open [fake-alpha]"));
  EXPECT_THAT(R.Err, HasSubstr(P.path("a.cpp") + ":2: unmatched 'NOLINTBEGIN'"));
}

namespace {

/// Runs the reference validator on \p Sarif and returns its problems of
/// level error, one per line ("" when valid).
std::string sarifErrors(const TestProject &P, const std::string &Sarif) {
  std::string Validator = LOCKSTEP_SARIF_VALIDATOR;
  if (!llvm::sys::fs::exists(Validator)) {
    ADD_FAILURE() << "the SARIF validator is missing at " << Validator
                  << ": run tools/install-deps --test";
    return "validator missing";
  }
  P.write("in.sarif", Sarif);
  ToolRun V = runProgram(Validator,
                         {"validate", P.path("in.sarif"), "-o",
                          P.path("out.sarif"), "--log", "ForceOverwrite"},
                         P.root());
  EXPECT_EQ(V.Status, 0) << describe(V);
  auto Log = llvm::json::parse(P.read("out.sarif"));
  if (!Log) {
    ADD_FAILURE() << "the validator wrote no readable log: "
                  << llvm::toString(Log.takeError()) << "\n" << describe(V);
    return "no log";
  }
  std::string Problems;
  const llvm::json::Array *Runs = Log->getAsObject()->getArray("runs");
  for (const llvm::json::Value &Run : *Runs) {
    const llvm::json::Array *Results = Run.getAsObject()->getArray("results");
    if (!Results)
      continue;
    for (const llvm::json::Value &Res : *Results) {
      const llvm::json::Object *O = Res.getAsObject();
      // SARIF's default level for a result is "warning"; schema violations
      // are reported as "error".
      if (O->getString("level") != llvm::StringRef("error"))
        continue;
      std::string Text;
      llvm::raw_string_ostream OS(Text);
      OS << Res;
      OS.flush();
      Problems += Text + "\n";
    }
  }
  return Problems;
}

} // namespace

TEST(SarifValidationTest, OutputWithFindingsNotesAndErrorsIsValid) {
  TestProject P;
  writeBasicProject(P);
  P.write("broken.cpp", "int x = ;\n");
  P.writeCompileCommands({"a.cpp", "b.cpp", "broken.cpp"});
  ToolRun R = tool(P, {"-p", "build", "--format=sarif"});
  ASSERT_EQ(R.Status, 2) << describe(R);
  ASSERT_THAT(R.Out, HasSubstr("relatedLocations"));
  ASSERT_THAT(R.Out, HasSubstr("toolExecutionNotifications"));
  EXPECT_EQ(sarifErrors(P, R.Out), "");
}

TEST(SarifValidationTest, OutputWithoutFindingsIsValid) {
  TestProject P;
  P.write("a.cpp", "int a;\n");
  P.writeCompileCommands({"a.cpp"});
  ToolRun R = tool(P, {"-p", "build", "--format=sarif"});
  ASSERT_EQ(R.Status, 0) << describe(R);
  EXPECT_EQ(sarifErrors(P, R.Out), "");
}

TEST(SarifValidationTest, ValidatorCatchesAnInvalidLog) {
  // Guards the test above: a log missing required properties must fail.
  TestProject P;
  if (!llvm::sys::fs::exists(LOCKSTEP_SARIF_VALIDATOR))
    GTEST_SKIP() << "validator missing (reported by the other tests)";
  EXPECT_NE(sarifErrors(P, "{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}"),
            "");
}

#ifdef LOCKSTEP_REAL_TOOL
TEST(SarifValidationTest, RealToolOutputOnTestdataIsValid) {
  // The real checks on the project's own buggy examples: findings with notes.
  TestProject P;
  std::string Dir = LOCKSTEP_SOURCE_DIR "/testdata/analyzer/locks";
  std::vector<std::string> Sources;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::StringRef(It->path()).endswith("_bugs.cpp"))
      Sources.push_back(It->path());
  if (Sources.empty())
    GTEST_SKIP() << "no testdata in " << Dir;
  std::sort(Sources.begin(), Sources.end());
  std::vector<std::string> Args = {"--format=sarif"};
  Args.insert(Args.end(), Sources.begin(), Sources.end());
  for (const char *A : {"--", "-std=c++20", "-fsyntax-only"})
    Args.push_back(A);
  ToolRun R = runProgram(LOCKSTEP_REAL_TOOL, Args, P.root());
  ASSERT_EQ(R.Status, 1) << describe(R);
  ASSERT_THAT(R.Out, HasSubstr("relatedLocations"));
  EXPECT_EQ(sarifErrors(P, R.Out), "");
}
#endif
