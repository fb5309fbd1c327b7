//===- RobustnessTest.cpp - The real tool on extreme and odd inputs -------===//
//
// Generated sources too large to keep as testdata (call chains thousands of
// functions deep, thousands of locks held at once) and config entries that
// can never apply, run through the real lockstep-check.
//
//===----------------------------------------------------------------------===//
#include "TestProject.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <algorithm>

#ifdef LOCKSTEP_REAL_TOOL

using namespace lockstep::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string describe(const ToolRun &R) {
  return "status " + std::to_string(R.Status) +
         (R.TimedOut ? " (timed out)" : "") + "\n--- stdout\n" +
         R.Out.substr(0, 4000) + "--- stderr\n" + R.Err.substr(0, 4000);
}

ToolRun realTool(const TestProject &P, std::vector<std::string> Args,
                 unsigned MemoryLimitMB = 0) {
  return runProgram(LOCKSTEP_REAL_TOOL, Args, P.root(), 240, Stdout::Captured,
                    MemoryLimitMB);
}

} // namespace

TEST(RobustnessTest, DeepCallChainsDefinedCallerFirst) {
  // Summaries must travel up a chain far deeper than a native recursion
  // per call level could go (about 700 levels overflowed the stack).
  const int Depth = 5000;
  std::string Src = "#include <mutex>\nstd::mutex mu;\n";
  for (int I = 0; I < Depth; ++I)
    Src += "void f" + std::to_string(I) + "();\n";
  Src += "void top() {\n  mu.lock();\n  f" + std::to_string(Depth - 1) +
         "();\n  mu.unlock();\n}\n";
  for (int I = Depth - 1; I > 0; --I)
    Src += "void f" + std::to_string(I) + "() { f" + std::to_string(I - 1) +
           "(); }\n";
  Src += "void f0() {\n  mu.lock();\n  mu.unlock();\n}\n";
  TestProject P;
  P.write("chain.cpp", Src);
  ToolRun R = realTool(P, {"chain.cpp", "--", "-std=c++17"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr(P.path("chain.cpp") + ":" +
                               std::to_string(Depth + 5) +
                               ":3: warning: calling 'f" +
                               std::to_string(Depth - 1) +
                               "' acquires mutex 'mu', which is already "
                               "held here"));
  EXPECT_EQ(std::count(R.Out.begin(), R.Out.end(), '['), 1) << describe(R);
}

TEST(RobustnessTest, DeepTemplateRecursion) {
  TestProject P;
  P.write("rec.cpp", "#include <mutex>\n"
                     "std::mutex mu;\n"
                     "template <int N> void rec() { rec<N - 1>(); }\n"
                     "template <> void rec<0>() {\n"
                     "  mu.lock();\n"
                     "  mu.unlock();\n"
                     "}\n"
                     "void top() {\n"
                     "  std::lock_guard<std::mutex> g(mu);\n"
                     "  rec<1000>();\n"
                     "}\n");
  ToolRun R = realTool(P, {"rec.cpp", "--", "-std=c++17"});
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr(P.path("rec.cpp") + ":10:3: warning: calling"));
  EXPECT_THAT(R.Out, HasSubstr("acquires mutex 'mu', which is already held"));
}

TEST(RobustnessTest, ThousandsOfLocksHeldAtOnce) {
  // Every lock taken while the others are held. Direct edges from each held
  // lock would be N*N/2 (10,000 locks: 50 million edges, far beyond the
  // limit; 2,000 took 1.2 GB); above 16 held locks the edges are chained,
  // one per acquisition, and both inversions must still be reported as the
  // pairs they are: a neighbouring pair, and the first lock against the last.
  const int Locks = 10000;
  std::string Src = "#include <mutex>\nstd::mutex m[" +
                    std::to_string(Locks) + "];\nvoid all() {\n";
  for (int I = 0; I < Locks; ++I)
    Src += "  std::lock_guard<std::mutex> g" + std::to_string(I) + "(m[" +
           std::to_string(I) + "]);\n";
  std::string Last = "m[" + std::to_string(Locks - 1) + "]";
  Src += "}\nvoid reversed() {\n  std::lock_guard<std::mutex> a(m[1]);\n"
         "  std::lock_guard<std::mutex> b(m[0]);\n}\n"
         "void wrapped() {\n  std::lock_guard<std::mutex> a(" + Last + ");\n"
         "  std::lock_guard<std::mutex> b(m[0]);\n}\n";
  TestProject P;
  P.write("many.cpp", Src);
  ToolRun R = realTool(P, {"many.cpp", "--", "-std=c++17"}, 1024);
  ASSERT_EQ(R.Status, 1) << describe(R);
  EXPECT_THAT(R.Out, HasSubstr("lock order inversion: mutex 'm[0]' is "
                               "acquired while holding 'm[1]', but 'all' "
                               "acquires them in the opposite order"));
  EXPECT_THAT(R.Out, HasSubstr("lock order inversion: mutex 'm[0]' is "
                               "acquired while holding '" + Last +
                               "', but 'all' acquires them in the opposite "
                               "order"));
  // The notes name where 'all' took the first and the last lock.
  EXPECT_THAT(R.Out, HasSubstr("many.cpp:4:31: note: mutex 'm[0]' acquired "
                               "here in 'all'"));
  EXPECT_THAT(R.Out, HasSubstr("many.cpp:" + std::to_string(3 + Locks) +
                               ":31: note: mutex '" + Last +
                               "' acquired here while holding 'm[0]'"));
  EXPECT_EQ(R.Out.find("closing a cycle"), std::string::npos) << R.Out;
}

TEST(RobustnessTest, WrappersThatNeverApplyAreReportedOncePerRun) {
  TestProject P;
  P.write("mutex.h", "#pragma once\n"
                     "namespace infra {\n"
                     "struct Mutex {\n"
                     "  void Acquire();\n"
                     "  void Release();\n"
                     "};\n"
                     "void lock_both(Mutex &a, Mutex &b);\n"
                     "void unlock_one(Mutex &m);\n"
                     "} // namespace infra\n");
  P.write("a.cpp", "#include \"mutex.h\"\nvoid a() {}\n");
  P.write("b.cpp", "#include \"mutex.h\"\nvoid b() {}\n");
  // Declared in only one of the two units: not a mistake.
  P.write("c.cpp", "#include \"mutex.h\"\nnamespace infra { void only_here(Mutex &m); }\n");
  P.write(".lockstep.yaml",
          "wrappers:\n"
          "  - function: 'infra::Mutex::Acquire'\n"   // 2: fine
          "    acquires: this\n"
          "  - function: 'Release'\n"                 // 4: not qualified
          "    releases: this\n"
          "  - function: 'infra::Mutex::Aquire'\n"    // 6: exists nowhere
          "    acquires: this\n"
          "  - function: 'infra::lock_both'\n"        // 8: past its parameters
          "    acquires: 2\n"
          "  - function: 'infra::unlock_one'\n"       // 10: no 'this'
          "    releases: this\n"
          "  - function: 'infra::only_here'\n"        // 12: fine
          "    acquires: 0\n");
  P.writeCompileCommands({"a.cpp", "b.cpp", "c.cpp"});
  ToolRun R = realTool(P, {"-p", "build"});
  ASSERT_EQ(R.Status, 0) << describe(R);
  std::string Cfg = P.path(".lockstep.yaml");
  EXPECT_EQ(R.Err,
            "lockstep-check: warning: " + Cfg +
                ":10: wrapper 'infra::unlock_one' names 'this', but "
                "'infra::unlock_one' is not a non-static member function; it "
                "is ignored where called\n"
                "lockstep-check: warning: " + Cfg +
                ":4: wrapper 'Release' names no function declared in any "
                "analyzed translation unit, so it never applies (did you mean "
                "'infra::Mutex::Release'?)\n"
                "lockstep-check: warning: " + Cfg +
                ":6: wrapper 'infra::Mutex::Aquire' names no function declared "
                "in any analyzed translation unit, so it never applies (write "
                "the qualified name, as in 'ns::Class::Method')\n"
                "lockstep-check: warning: " + Cfg +
                ":8: wrapper 'infra::lock_both' names argument 2, but "
                "'infra::lock_both' has 2 parameter(s) (indexes count from 0); "
                "it is ignored where called\n");
}

#endif // LOCKSTEP_REAL_TOOL
