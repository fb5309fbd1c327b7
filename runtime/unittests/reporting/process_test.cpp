// Process-level tests: runs the probe programs with LOCKSTEP_OPTIONS and checks exit
// status, error messages, log_path, report_json, halt_on_error, suppressions and the
// GoogleTest listener as a user would see them.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "json_lite.hpp"

extern char **environ;

namespace {

struct run_result {
  int status = -1;  // exit status, or 128 + signal
  std::string out, err;
};

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string make_temp_dir() {
  std::string pattern = ::testing::TempDir() + "lockstep_process_test_XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const char *dir = ::mkdtemp(buffer.data());
  if (dir == nullptr) std::abort();
  return dir;
}

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "could not remove " << dir_;
  }

  // Runs `program mode` with LOCKSTEP_OPTIONS=options (unset when options is null).
  run_result run(const char *program, const char *mode, const char *options) {
    std::string out_path = dir_ + "/stdout", err_path = dir_ + "/stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> env_strings;
    for (char **e = environ; *e != nullptr; ++e)
      if (std::strncmp(*e, "LOCKSTEP_OPTIONS=", 17) != 0 && std::strncmp(*e, "GTEST_", 6) != 0)
        env_strings.push_back(*e);
    if (options != nullptr) env_strings.push_back(std::string("LOCKSTEP_OPTIONS=") + options);
    std::vector<char *> env;
    for (auto &s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    std::string program_s = program, mode_s = mode;
    char *argv[] = {program_s.data(), mode_s.data(), nullptr};
    if (mode_s.empty()) argv[1] = nullptr;
    pid_t pid = -1;
    int rc = posix_spawn(&pid, program, &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    run_result result;
    if (rc != 0) {
      ADD_FAILURE() << "cannot run " << program << ": " << std::strerror(rc);
      return result;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
  }

  run_result probe(const char *mode, const char *options) { return run(LOCKSTEP_REPORTING_PROBE, mode, options); }

  std::string dir_;
};

std::size_t count(const std::string &text, const std::string &what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST_F(ProcessTest, CleanRunExitsZero) {
  run_result r = probe("clean", nullptr);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "probe clean\n");
}

TEST_F(ProcessTest, AReportTurnsExitZeroIntoExitcode) {
  run_result r = probe("report", nullptr);
  EXPECT_EQ(r.status, 66) << r.err;
  EXPECT_EQ(r.out, "probe report\n") << "buffered stdout must be flushed before exiting";
  EXPECT_EQ(count(r.err, "lockstep: WARNING: data race (pid="), 1u) << r.err;
  EXPECT_NE(r.err.find("#0 (anonymous namespace)::probe_racy_function() "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("probe.cpp:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SUMMARY: lockstep: data race "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("lockstep::rt::"), std::string::npos) << "runtime frames must be dropped:\n" << r.err;
}

TEST_F(ProcessTest, NoSymbolizerChildOutlivesTheReport) {
  run_result r = probe("report-then-wait", nullptr);
  EXPECT_EQ(r.status, 66) << r.err;
  EXPECT_EQ(r.out, "probe report-then-wait\nchildren left: 0\n");
  EXPECT_NE(r.err.find("probe.cpp:"), std::string::npos) << "symbolized:\n" << r.err;
}

TEST_F(ProcessTest, ExitcodeOptionIsUsed) {
  EXPECT_EQ(probe("report", "exitcode=7").status, 7);
  EXPECT_EQ(probe("report", "exitcode=0").status, 0);
}

TEST_F(ProcessTest, NonZeroExitStatusIsKept) { EXPECT_EQ(probe("report-exit3", nullptr).status, 3); }

TEST_F(ProcessTest, ReportDuringStaticDestructionIsPrintedAndCounted) {
  run_result r = probe("static-dtor", nullptr);
  EXPECT_EQ(r.status, 66) << r.err;
  EXPECT_EQ(count(r.err, "lockstep: WARNING: data race"), 1u) << r.err;
}

TEST_F(ProcessTest, HaltOnErrorStopsAfterTheFirstReport) {
  run_result r = probe("report-twice", "halt_on_error=1:exitcode=9");
  EXPECT_EQ(r.status, 9);
  EXPECT_EQ(count(r.err, "lockstep: WARNING:"), 1u) << r.err;
  run_result both = probe("report-twice", nullptr);
  EXPECT_EQ(count(both.err, "lockstep: WARNING:"), 2u) << both.err;
}

TEST_F(ProcessTest, DieAfterReportUsesExitcode) {
  run_result r = probe("die", "exitcode=42");
  EXPECT_EQ(r.status, 42);
  EXPECT_EQ(r.out, "probe die\n");
  EXPECT_EQ(count(r.err, "lockstep: WARNING:"), 1u) << r.err;
}

TEST_F(ProcessTest, ConcurrentReportsDoNotInterleave) {
  run_result r = probe("report-threads", nullptr);
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(count(r.err, "lockstep: WARNING:"), 8u) << r.err;
  // Every report is one contiguous block from its WARNING line to its SUMMARY line.
  std::istringstream lines(r.err);
  std::string line;
  bool inside = false;
  int blocks = 0;
  while (std::getline(lines, line)) {
    if (line.find("lockstep: WARNING:") != std::string::npos) {
      EXPECT_FALSE(inside) << r.err;
      inside = true;
    } else if (line.rfind("SUMMARY: ", 0) == 0) {
      EXPECT_TRUE(inside) << r.err;
      inside = false;
      ++blocks;
    } else {
      EXPECT_TRUE(inside) << "line outside a report: " << line;
    }
  }
  EXPECT_EQ(blocks, 8);
}

TEST_F(ProcessTest, BadOptionsExitTwoWithAMessage) {
  run_result r = probe("clean", "exitcode=66:halt_on_eror=1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("lockstep: invalid LOCKSTEP_OPTIONS: unknown option: 'halt_on_eror=1'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("help=1"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "the program must not run";
  EXPECT_EQ(probe("clean", "exitcode=many").status, 2);
}

TEST_F(ProcessTest, HelpListsOptionsAndContinues) {
  run_result r = probe("clean", "help=1");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("exitcode (int, default 66)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("suppressions (string"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "probe clean\n");
}

TEST_F(ProcessTest, LogPathWritesPathDotPid) {
  std::string base = dir_ + "/lockstep.log";
  std::string options = "log_path=" + base;
  run_result r = probe("report", options.c_str());
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(r.err, "") << "the report must go to the log file only";
  // The file is named after the probe's pid, which the report header also shows.
  std::string listing;
  std::vector<std::string> logs;
  {
    std::string cmd = "ls '" + dir_ + "' > '" + dir_ + "/ls.txt'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::istringstream names(read_file(dir_ + "/ls.txt"));
    std::string name;
    while (std::getline(names, name))
      if (name.rfind("lockstep.log.", 0) == 0) logs.push_back(name);
  }
  ASSERT_EQ(logs.size(), 1u);
  std::string pid = logs[0].substr(std::strlen("lockstep.log."));
  std::string text = read_file(dir_ + "/" + logs[0]);
  EXPECT_NE(text.find("==" + pid + "==lockstep: WARNING: data race (pid=" + pid + ")"), std::string::npos) << text;
}

TEST_F(ProcessTest, UnwritableLogPathFallsBackToStderrWithAMessage) {
  run_result r = probe("report", "log_path=/nonexistent-dir/x");
  EXPECT_EQ(r.status, 66);
  EXPECT_NE(r.err.find("cannot open log_path file '/nonexistent-dir/x."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lockstep: WARNING: data race"), std::string::npos) << r.err;
}

TEST_F(ProcessTest, ReportJsonAppendsOneObjectPerReport) {
  std::string path = dir_ + "/reports.json";
  std::string options = "report_json=" + path;
  probe("report-twice", options.c_str());
  probe("report", options.c_str());
  std::istringstream lines(read_file(path));
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    json_lite::value v = json_lite::parse(line);
    EXPECT_EQ(v["kind"].string, "data-race");
    ASSERT_EQ(v["events"].array.size(), 1u);
    const auto &stack = v["events"][0]["stack"];
    ASSERT_FALSE(stack.array.empty());
    EXPECT_NE(stack[0]["function"].string.find("probe_racy_function"), std::string::npos);
    EXPECT_NE(stack[0]["file"].string.find("probe.cpp"), std::string::npos);
    EXPECT_GT(stack[0]["line"].number, 0);
    EXPECT_EQ(v["threads"].array.size(), 1u);
  }
  EXPECT_EQ(n, 3);
}

TEST_F(ProcessTest, SuppressedReportsAreNeitherPrintedNorCounted) {
  std::string path = dir_ + "/supp.txt";
  std::ofstream(path) << "# ours\ndeadlock:*\ndata-race:*probe_racy_function\n";
  std::string options = "suppressions=" + path + ":verbosity=1";
  run_result r = probe("report", options.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("used suppressions:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 data-race:*probe_racy_function (line 3)"), std::string::npos) << r.err;

  std::ofstream(path) << "data-race:probe.cpp\n";
  EXPECT_EQ(probe("report", ("suppressions=" + path).c_str()).status, 0);
  std::ofstream(path) << "deadlock:probe.cpp\n";
  EXPECT_EQ(probe("report", ("suppressions=" + path).c_str()).status, 66);
}

TEST_F(ProcessTest, MalformedSuppressionsFileExitsTwoWithFileAndLine) {
  std::string path = dir_ + "/supp.txt";
  std::ofstream(path) << "data-race:ok\n\nrace:foo\n";
  run_result r = probe("clean", ("suppressions=" + path).c_str());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("lockstep: invalid suppressions: " + path + ":3: unknown report kind 'race'"),
            std::string::npos)
      << r.err;
  run_result missing = probe("clean", "suppressions=/nonexistent/supp.txt");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("cannot read suppressions file '/nonexistent/supp.txt'"), std::string::npos)
      << missing.err;
}

TEST_F(ProcessTest, MissingSymbolizerIsSaidAndStacksFallBackToModuleOffsets) {
  run_result r = probe("report", "symbolizer_path=/nonexistent/llvm-symbolizer");
  EXPECT_EQ(r.status, 66);
  EXPECT_NE(r.err.find("lockstep: symbolizer_path=/nonexistent/llvm-symbolizer is not an executable file"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("lockstep_reporting_probe+0x"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("probe.cpp:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("__libc_start_main"), std::string::npos) << "libc's exported names still resolve:\n" << r.err;
}

TEST_F(ProcessTest, SymbolizeZeroSkipsTheSymbolizer) {
  run_result r = probe("report", "symbolize=0:verbosity=1");
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(r.err.find("symbolizer:"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("probe.cpp:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lockstep_reporting_probe+0x"), std::string::npos) << r.err;
}

TEST_F(ProcessTest, SymbolizeZeroSummaryNamesTheUsersModuleNotLibc) {
  run_result r = probe("report", "symbolize=0");
  EXPECT_EQ(r.status, 66);
  const std::size_t summary = r.err.find("SUMMARY: lockstep: data race ");
  ASSERT_NE(summary, std::string::npos) << r.err;
  const std::string line = r.err.substr(summary, r.err.find('\n', summary) - summary);
  EXPECT_NE(line.find("lockstep_reporting_probe+0x"), std::string::npos) << line;
  EXPECT_EQ(line.find("__libc_start_main"), std::string::npos) << line;
}

TEST_F(ProcessTest, ReportJsonWriteFailureIsSaidOnce) {
  // /dev/full opens fine and fails every write (ENOSPC): the reports still go to stderr, and the
  // user is told once that the JSON file misses them.
  run_result r = probe("report-twice", "report_json=/dev/full");
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(count(r.err, "lockstep: WARNING: data race"), 2u) << r.err;
  EXPECT_EQ(count(r.err, "lockstep: cannot write to report_json file '/dev/full': No space left on device"), 1u)
      << r.err;
}

TEST_F(ProcessTest, AQuoteInTheExecutablesPathKeepsSymbolizationInStep) {
  // llvm-symbolizer reads `"module" offset` lines: a '"' in the module's path cannot be quoted
  // there, and used to shift every later answer onto the wrong query.
  const std::string weird = dir_ + "/a \"quoted\" dir";
  ASSERT_EQ(::mkdir(weird.c_str(), 0755), 0);
  const std::string copy = weird + "/probe";
  std::ifstream in(LOCKSTEP_REPORTING_PROBE, std::ios::binary);
  std::ofstream(copy, std::ios::binary) << in.rdbuf();
  ASSERT_EQ(::chmod(copy.c_str(), 0755), 0);
  run_result r = run(copy.c_str(), "report", nullptr);
  EXPECT_EQ(r.status, 66) << r.err;
  EXPECT_NE(r.err.find("SUMMARY: lockstep: data race"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("#0 (anonymous namespace)::probe_racy_function() "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("probe.cpp:"), std::string::npos) << r.err;
}

TEST_F(ProcessTest, GoogleTestListenerFailsTheTestThatReported) {
  run_result r = run(LOCKSTEP_REPORTING_GTEST_PROBE, "", "exitcode=0");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("[  FAILED  ] Probe.ReportsFromAnotherThread ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[       OK ] Probe.Clean"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lockstep reported lock-order-inversion during this test:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mutex M2 acquired while holding M1 by thread T1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SUMMARY: lockstep: lock order inversion"), std::string::npos) << r.out;
  EXPECT_EQ(count(r.out, "[  FAILED  ] Probe.Clean"), 0u) << r.out;
  EXPECT_EQ(count(r.out, "lockstep reported"), 1u) << "the report from before the tests blames no test:\n" << r.out;
  EXPECT_EQ(count(r.err, "Reported during static initialisation"), 1u) << r.err;
}

}  // namespace
