//===- expectations_test.cpp - lockstep-check against its inline testdata -===//
//
// Every `.cpp` file under a family folder of testdata/analyzer (locks/,
// condvars/, ...) is one test. The test
//   1. compiles the file with clang++ -fsyntax-only -Wall <its args>: a case
//      that does not compile cleanly is a failed test, with the compiler's
//      message;
//   2. runs `lockstep-check --format=json <file> -- <its args>` (the tool adds
//      -resource-dir; a `.lockstep.yaml` next to or above the file applies);
//   3. compares the findings with the expectations written in the file.
//
// Expectation syntax (full grammar in ExpectationParser.h):
//
//   mu_.lock();   // expect: lock-double-lock
//   mu_.lock();   // expect: lock-double-lock "'mu_'"   (message contains 'mu_')
//   // expect@+1: lock-not-released
//   m.lock();     // expect: lock-double-lock expect: lock-not-released
//   // clean: lock-double-lock  a recursive mutex re-locked by its owner
//   // lockstep-args: -std=c++17 -DNDEBUG        (default: -std=c++20)
//
// The line of an expectation is the finding's primary location:
//   lock-double-lock          the second acquisition (for a helper that locks
//                             a mutex its caller holds: the call in the caller)
//   lock-unlock-not-held      the release (or the call that releases)
//   lock-not-released         the acquisition that is still held at exit
//   lock-unnamed-guard        the guard temporary / the guard-less declaration
//   lock-blocking-under-lock  the blocking call (or the call that blocks)
//   lock-order-inversion      in the function defined later in the file, the
//                             acquisition (or call) that closes the cycle
//   cv-wait-without-predicate the wait call
//   latch-count-mismatch      the latch's declaration
//   barrier-participant-mismatch  the barrier's declaration (std::barrier or
//                             pthread_barrier_t)
//   barrier-conditional-arrival  the arrival that only some threads reach (for
//                             a loop whose trip count differs per thread,
//                             the first arrival in it)
//   sem-not-released          the acquire (or try) whose permit a path keeps
//   sem-release-exceeds-max   the release that goes over the maximum
//   coro-lock-across-suspend  the co_await / co_yield keyword that suspends
//   coro-reference-param      the parameter's first use after a suspension
//   coro-capturing-lambda     the capture's first use after a suspension
//   coro-dangling-temporary   the temporary argument at the call site
//
// Any finding without a matching expectation fails the test, and so does any
// unmet expectation; a clean look-alike is simply a case with no expectation.
// `// clean:` markers only count cases: AllChecksHaveEnoughCases asserts that
// every check listed by `lockstep-check --list-checks` has at least 6
// expectations (buggy cases) and 6 clean markers across the testdata.
//
//===----------------------------------------------------------------------===//
#include "ExpectationParser.h"

#if LOCKSTEP_LLVM_VERSION_MAJOR < 16
#include "llvm/ADT/Optional.h"
#endif
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace lockstep::testdata;

namespace {

#if LOCKSTEP_LLVM_VERSION_MAJOR >= 16
using OptionalRef = std::optional<llvm::StringRef>;
#else
using OptionalRef = llvm::Optional<llvm::StringRef>;
#endif

const char *const ToolPath = LOCKSTEP_CHECK_PATH;
const char *const CompilerPath = LOCKSTEP_TESTDATA_CXX;
const char *const TestdataDir = LOCKSTEP_TESTDATA_DIR;
// A hung analyzer must fail the test, not the whole CTest run.
const unsigned ToolTimeoutSeconds = 300;

struct RunResult {
  int ExitCode = -1;
  std::string Stdout;
  std::string Stderr;
  std::string Failure; ///< Non-empty when the program could not be run.
};

std::string readWhole(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return "";
  return (*Buf)->getBuffer().str();
}

/// Runs \p Program with \p Args (Args[0] is the program name), capturing
/// stdout and stderr through temporary files.
RunResult run(llvm::StringRef Program, const std::vector<std::string> &Args) {
  RunResult R;
  llvm::SmallString<128> OutPath, ErrPath;
  if (llvm::sys::fs::createTemporaryFile("lockstep-testdata", "out", OutPath) ||
      llvm::sys::fs::createTemporaryFile("lockstep-testdata", "err", ErrPath)) {
    R.Failure = "cannot create temporary files";
    return R;
  }
  std::vector<llvm::StringRef> ArgRefs(Args.begin(), Args.end());
  OptionalRef Redirects[] = {OptionalRef(llvm::StringRef("")),
                             OptionalRef(OutPath.str()),
                             OptionalRef(ErrPath.str())};
  std::string ErrMsg;
  bool ExecFailed = false;
  R.ExitCode = llvm::sys::ExecuteAndWait(Program, ArgRefs, /*Env=*/{},
                                         Redirects, ToolTimeoutSeconds,
                                         /*MemoryLimit=*/0, &ErrMsg,
                                         &ExecFailed);
  R.Stdout = readWhole(std::string(OutPath.str()));
  R.Stderr = readWhole(std::string(ErrPath.str()));
  llvm::sys::fs::remove(OutPath);
  llvm::sys::fs::remove(ErrPath);
  if (ExecFailed || R.ExitCode < 0)
    R.Failure = "could not run " + Program.str() + ": " +
                (ErrMsg.empty() ? std::string("crashed or timed out") : ErrMsg);
  return R;
}

std::string commandLine(const std::vector<std::string> &Args) {
  std::string S;
  for (const std::string &A : Args)
    S += (S.empty() ? "" : " ") + A;
  return S;
}

/// Every testdata case: `.cpp` files in the family folders, as paths relative
/// to TestdataDir, sorted so test names are stable.
std::vector<std::string> findCaseFiles() {
  std::vector<std::string> Files;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(TestdataDir, EC), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    if (llvm::sys::path::extension(Path) != ".cpp")
      continue;
    llvm::StringRef Rel = Path.drop_front(llvm::StringRef(TestdataDir).size())
                              .ltrim('/');
    // The runner's own sources sit at the top; cases live in family folders.
    if (!Rel.contains('/'))
      continue;
    Files.push_back(Rel.str());
  }
  std::sort(Files.begin(), Files.end());
  return Files;
}

std::string absolutePath(llvm::StringRef Rel) {
  llvm::SmallString<256> P(TestdataDir);
  llvm::sys::path::append(P, Rel);
  return std::string(P.str());
}

/// Resolves symlinks and "..", so the tool's paths compare with ours.
std::string canonical(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(Path, Real))
    return Path.str();
  return std::string(Real.str());
}

struct ActualFinding {
  std::string Check;
  std::string Message;
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
};

/// Parses the tool's JSON output; on malformed output returns a message in
/// \p Error.
std::vector<ActualFinding> parseFindings(llvm::StringRef Json,
                                         std::string &Error) {
  std::vector<ActualFinding> Out;
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Json);
  if (!V) {
    Error = "output is not JSON: " + llvm::toString(V.takeError());
    return Out;
  }
  const llvm::json::Object *Root = V->getAsObject();
  const llvm::json::Array *List = Root ? Root->getArray("findings") : nullptr;
  if (!List) {
    Error = "output has no \"findings\" array";
    return Out;
  }
  // Tool errors (a file that did not compile, a bad config) fail the test.
  if (const llvm::json::Array *Errors = Root->getArray("errors")) {
    if (!Errors->empty()) {
      std::string S;
      llvm::raw_string_ostream OS(S);
      OS << llvm::json::Value(llvm::json::Array(*Errors));
      Error = "the tool reported errors: " + OS.str();
      return Out;
    }
  }
  for (const llvm::json::Value &Item : *List) {
    const llvm::json::Object *F = Item.getAsObject();
    const llvm::json::Object *Loc = F ? F->getObject("location") : nullptr;
    if (!F || !Loc) {
      std::string S;
      llvm::raw_string_ostream OS(S);
      OS << Item;
      Error = "finding without a location object: " + OS.str();
      return Out;
    }
    auto Check = F->getString("check");
    auto Message = F->getString("message");
    auto File = Loc->getString("file");
    auto Line = Loc->getInteger("line");
    auto Column = Loc->getInteger("column");
    if (!Check || !Message || !File || !Line || !Column) {
      std::string S;
      llvm::raw_string_ostream OS(S);
      OS << Item;
      Error = "finding without check/message/location{file,line,column}: " +
              OS.str();
      return Out;
    }
    Out.push_back({Check->str(), Message->str(), File->str(),
                   static_cast<unsigned>(*Line),
                   static_cast<unsigned>(*Column)});
  }
  return Out;
}

std::string describe(const Expectation &E, llvm::StringRef Rel) {
  std::string S = Rel.str() + ":" + std::to_string(E.Line) + ": " + E.Check;
  if (!E.Substring.empty())
    S += " \"" + E.Substring + "\"";
  if (E.WrittenOn != E.Line)
    S += "   (written on line " + std::to_string(E.WrittenOn) + ")";
  return S;
}

std::string describe(const ActualFinding &F) {
  return F.File + ":" + std::to_string(F.Line) + ":" +
         std::to_string(F.Column) + ": " + F.Message + " [" + F.Check + "]";
}

/// Matches findings to expectations (each pairs with at least one other);
/// returns a readable diff, or "" when they agree.
std::string compare(const std::vector<Expectation> &Expected,
                    const std::vector<ActualFinding> &Actual,
                    const std::string &CaseFile, llvm::StringRef Rel) {
  std::vector<bool> Used(Actual.size(), false);
  std::vector<const Expectation *> Unmet;
  // Expectations with message text first: they are the most specific, so a
  // plain expectation on the same line cannot steal their finding.
  std::vector<const Expectation *> Order;
  for (const Expectation &E : Expected)
    Order.push_back(&E);
  std::stable_sort(Order.begin(), Order.end(),
                   [](const Expectation *A, const Expectation *B) {
                     return !A->Substring.empty() && B->Substring.empty();
                   });
  for (const Expectation *E : Order) {
    bool Found = false;
    for (size_t I = 0; I < Actual.size() && !Found; ++I) {
      const ActualFinding &F = Actual[I];
      if (Used[I] || F.Check != E->Check || F.Line != E->Line ||
          canonical(F.File) != CaseFile ||
          llvm::StringRef(F.Message).find(E->Substring) == llvm::StringRef::npos)
        continue;
      Used[I] = Found = true;
    }
    if (!Found)
      Unmet.push_back(E);
  }
  std::sort(Unmet.begin(), Unmet.end(),
            [](const Expectation *A, const Expectation *B) {
              return A->Line < B->Line;
            });
  std::ostringstream OS;
  size_t Unexpected = std::count(Used.begin(), Used.end(), false);
  if (Unmet.empty() && Unexpected == 0)
    return "";
  OS << Rel.str() << ": " << Unmet.size() << " expectation(s) unmet, "
     << Unexpected << " unexpected finding(s)\n";
  for (const Expectation *E : Unmet) {
    OS << "  missing:    " << describe(*E, Rel) << "\n";
    // Point at what the tool did say on that line, to tell a wrong message
    // or ID from a finding that is absent altogether.
    for (const ActualFinding &F : Actual)
      if (F.Line == E->Line && canonical(F.File) == CaseFile)
        OS << "      (on that line the tool said: " << F.Message << " ["
           << F.Check << "])\n";
  }
  for (size_t I = 0; I < Actual.size(); ++I)
    if (!Used[I])
      OS << "  unexpected: " << describe(Actual[I]) << "\n";
  return OS.str();
}

class Expectations : public ::testing::TestWithParam<std::string> {};

TEST_P(Expectations, File) {
  const std::string Rel = GetParam();
  const std::string Path = absolutePath(Rel);
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  ASSERT_TRUE(static_cast<bool>(Buf)) << "cannot read " << Path;
  TestFileSpec Spec = parseTestFile((*Buf)->getBuffer());
  for (const std::string &E : Spec.Errors)
    ADD_FAILURE() << Rel << ": malformed expectation comment, " << E;
  ASSERT_TRUE(Spec.Errors.empty());

  // 1. The case must be valid, warning-free C++.
  std::vector<std::string> Cxx = {CompilerPath, "-fsyntax-only", "-Wall"};
  Cxx.insert(Cxx.end(), Spec.CompilerArgs.begin(), Spec.CompilerArgs.end());
  Cxx.push_back(Path);
  RunResult Compiled = run(CompilerPath, Cxx);
  ASSERT_TRUE(Compiled.Failure.empty()) << Compiled.Failure;
  ASSERT_TRUE(Compiled.ExitCode == 0 && Compiled.Stderr.empty())
      << Rel << " does not compile cleanly:\n$ " << commandLine(Cxx) << "\n"
      << Compiled.Stderr;

  // 2. The analyzer's findings.
  std::vector<std::string> Tool = {ToolPath, "--format=json", Path, "--"};
  Tool.insert(Tool.end(), Spec.CompilerArgs.begin(), Spec.CompilerArgs.end());
  RunResult Analyzed = run(ToolPath, Tool);
  ASSERT_TRUE(Analyzed.Failure.empty())
      << Analyzed.Failure << "\n$ " << commandLine(Tool) << "\n"
      << Analyzed.Stderr;
  ASSERT_TRUE(Analyzed.ExitCode == 0 || Analyzed.ExitCode == 1)
      << "lockstep-check exited with " << Analyzed.ExitCode << "\n$ "
      << commandLine(Tool) << "\n"
      << Analyzed.Stderr;
  std::string JsonError;
  std::vector<ActualFinding> Actual = parseFindings(Analyzed.Stdout, JsonError);
  ASSERT_TRUE(JsonError.empty())
      << JsonError << "\n$ " << commandLine(Tool) << "\n--- stdout:\n"
      << Analyzed.Stdout << "\n--- stderr:\n"
      << Analyzed.Stderr;
  // The exit status is a promise to CI scripts: 1 exactly when it found something.
  EXPECT_EQ(Analyzed.ExitCode, Actual.empty() ? 0 : 1)
      << "exit status does not match the number of findings ("
      << Actual.size() << ")";

  // 3. Expected versus actual.
  std::string Diff = compare(Spec.Expectations, Actual, canonical(Path), Rel);
  EXPECT_TRUE(Diff.empty()) << Diff << "$ " << commandLine(Tool);
}

std::string testNameFor(const ::testing::TestParamInfo<std::string> &Info) {
  std::string Name = Info.param;
  if (llvm::StringRef(Name).endswith(".cpp"))
    Name.resize(Name.size() - 4);
  for (char &C : Name)
    if (!std::isalnum(static_cast<unsigned char>(C)))
      C = '_';
  return Name;
}

INSTANTIATE_TEST_SUITE_P(Testdata, Expectations,
                         ::testing::ValuesIn(findCaseFiles()), testNameFor);

/// The check IDs `lockstep-check --list-checks` prints: the first word of
/// each line, when it looks like a check ID.
std::vector<std::string> listedChecks(std::string &Output) {
  RunResult R = run(ToolPath, {ToolPath, "--list-checks"});
  Output = R.Failure + R.Stdout + R.Stderr;
  std::vector<std::string> Ids;
  if (!R.Failure.empty() || R.ExitCode != 0)
    return Ids;
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  llvm::StringRef(R.Stdout).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    llvm::StringRef Word = L.trim().split(' ').first.split('\t').first;
    if (isCheckId(Word))
      Ids.push_back(Word.str());
  }
  return Ids;
}

TEST(TestdataCoverage, AllChecksHaveEnoughCases) {
  const unsigned MinCases = 6;
  std::string Output;
  std::vector<std::string> Checks = listedChecks(Output);
  ASSERT_FALSE(Checks.empty())
      << "lockstep-check --list-checks listed no checks:\n" << Output;
  std::map<std::string, unsigned> Buggy, Clean;
  std::vector<std::string> Files = findCaseFiles();
  ASSERT_FALSE(Files.empty()) << "no testdata under " << TestdataDir;
  for (const std::string &Rel : Files) {
    auto Buf = llvm::MemoryBuffer::getFile(absolutePath(Rel));
    ASSERT_TRUE(static_cast<bool>(Buf)) << "cannot read " << Rel;
    TestFileSpec Spec = parseTestFile((*Buf)->getBuffer());
    for (const Expectation &E : Spec.Expectations) {
      ++Buggy[E.Check];
      EXPECT_TRUE(std::count(Checks.begin(), Checks.end(), E.Check))
          << Rel << ":" << E.WrittenOn << ": expectation names '" << E.Check
          << "', which --list-checks does not list";
    }
    for (const CleanCase &C : Spec.CleanCases) {
      ++Clean[C.Check];
      EXPECT_TRUE(std::count(Checks.begin(), Checks.end(), C.Check))
          << Rel << ":" << C.Line << ": clean case of '" << C.Check
          << "', which --list-checks does not list";
    }
  }
  for (const std::string &Id : Checks) {
    EXPECT_GE(Buggy[Id], MinCases)
        << "check '" << Id << "' has only " << Buggy[Id]
        << " expected finding(s) in testdata/analyzer";
    EXPECT_GE(Clean[Id], MinCases)
        << "check '" << Id << "' has only " << Clean[Id]
        << " clean look-alike case(s) (// clean: " << Id << ")";
  }
}

// The expectation parser itself, on in-memory text.
TEST(ExpectationParser, PlainRelativeAndQuoted) {
  TestFileSpec S = parseTestFile("int a;\n"
                                 "mu.lock(); // expect: lock-double-lock\n"
                                 "// expect@+1: lock-not-released \"'mu_'\"\n"
                                 "mu.lock();\n"
                                 "// expect@-3: lock-unnamed-guard\n");
  ASSERT_TRUE(S.Errors.empty()) << S.Errors.front();
  ASSERT_EQ(S.Expectations.size(), 3u);
  EXPECT_EQ(S.Expectations[0].Check, "lock-double-lock");
  EXPECT_EQ(S.Expectations[0].Line, 2u);
  EXPECT_EQ(S.Expectations[0].Substring, "");
  EXPECT_EQ(S.Expectations[1].Check, "lock-not-released");
  EXPECT_EQ(S.Expectations[1].Line, 4u);
  EXPECT_EQ(S.Expectations[1].WrittenOn, 3u);
  EXPECT_EQ(S.Expectations[1].Substring, "'mu_'");
  EXPECT_EQ(S.Expectations[2].Line, 2u);
  EXPECT_EQ(S.CompilerArgs, std::vector<std::string>{"-std=c++20"});
}

TEST(ExpectationParser, SeveralClausesOnOneLine) {
  TestFileSpec S = parseTestFile(
      "m.lock(); // expect: lock-double-lock expect: lock-not-released \"x y\""
      " // expect: lock-double-lock\n");
  ASSERT_TRUE(S.Errors.empty()) << S.Errors.front();
  ASSERT_EQ(S.Expectations.size(), 3u);
  EXPECT_EQ(S.Expectations[1].Check, "lock-not-released");
  EXPECT_EQ(S.Expectations[1].Substring, "x y");
  EXPECT_EQ(S.Expectations[2].Check, "lock-double-lock");
  for (const Expectation &E : S.Expectations)
    EXPECT_EQ(E.Line, 1u);
}

TEST(ExpectationParser, ArgsAndCleanMarkers) {
  TestFileSpec S = parseTestFile(
      "// lockstep-args: -std=c++17  -DFOO=1\n"
      "// clean: lock-double-lock a recursive mutex, re-locked\n"
      "const char *U = \"http://x\"; // expected to stay silent\n");
  ASSERT_TRUE(S.Errors.empty()) << S.Errors.front();
  EXPECT_EQ(S.CompilerArgs, (std::vector<std::string>{"-std=c++17", "-DFOO=1"}));
  ASSERT_EQ(S.CleanCases.size(), 1u);
  EXPECT_EQ(S.CleanCases[0].Check, "lock-double-lock");
  EXPECT_EQ(S.CleanCases[0].Line, 2u);
  EXPECT_TRUE(S.Expectations.empty());
}

TEST(ExpectationParser, MalformedCommentsAreErrors) {
  const char *Bad[] = {
      "x; // expect lock-double-lock\n",          // no colon
      "x; // expect: Lock_Double\n",              // not a check ID
      "x; // expect@+5: lock-double-lock\n",      // past the end of the file
      "x; // expect@-1: lock-double-lock\n",      // before the start
      "x; // expect@3: lock-double-lock\n",       // no sign
      "x; // expect: lock-double-lock \"open\n",  // unterminated text
      "x; // expect: lock-double-lock because\n", // trailing words
      "x; // clean:\n",                           // no ID
      "// lockstep-args: -a\n// lockstep-args: -b\n",
  };
  for (const char *Text : Bad) {
    TestFileSpec S = parseTestFile(Text);
    EXPECT_FALSE(S.Errors.empty()) << "accepted: " << Text;
  }
  TestFileSpec S = parseTestFile("\n\nx; // expect lock-double-lock\n");
  ASSERT_EQ(S.Errors.size(), 1u);
  EXPECT_EQ(llvm::StringRef(S.Errors[0]).substr(0, 7), "line 3:");
}

TEST(ExpectationParser, CommentMarkersInsideStringsAreIgnored) {
  TestFileSpec S =
      parseTestFile("auto s = \"// expect: lock-double-lock\"; int n = 1'000;\n"
                    "char c = '\"'; // expect: lock-double-lock\n");
  ASSERT_TRUE(S.Errors.empty()) << S.Errors.front();
  ASSERT_EQ(S.Expectations.size(), 1u);
  EXPECT_EQ(S.Expectations[0].Line, 2u);
}

TEST(ExpectationParser, IsCheckId) {
  EXPECT_TRUE(isCheckId("lock-double-lock"));
  EXPECT_TRUE(isCheckId("cv-wait-without-predicate"));
  EXPECT_FALSE(isCheckId("lock"));
  EXPECT_FALSE(isCheckId("-lock"));
  EXPECT_FALSE(isCheckId("lock--x"));
  EXPECT_FALSE(isCheckId("Lock-x"));
  EXPECT_FALSE(isCheckId(""));
}

} // namespace
