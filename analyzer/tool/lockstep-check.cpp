//===- lockstep-check.cpp - The lockstep-check command line ---------------===//
//
// Parses the command line into DriverOptions and hands over to the driver
// library, which the end-to-end tests exercise the same way.
//
//===----------------------------------------------------------------------===//
#include "lockstep/driver/Driver.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <csignal>
#include <cstring>

using namespace llvm;

static cl::OptionCategory Category("lockstep-check options");

static cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory holding compile_commands.json (or the path\n"
                  "of that file). Without sources, every entry is analyzed."),
    cl::value_desc("build-dir"), cl::cat(Category));

static cl::opt<unsigned> Jobs(
    "j", cl::desc("Translation units analyzed in parallel (default: number of\n"
                  "cores). Output is identical for every value."),
    cl::value_desc("N"), cl::init(0), cl::Prefix, cl::cat(Category));

static cl::opt<std::string> Checks(
    "checks",
    cl::desc("Checks to run, as clang-tidy globs: '-*,lock-*,cv-*'. Every\n"
             "check starts enabled; the last matching glob decides. A\n"
             ".lockstep.yaml 'checks:' entry is applied first, so this\n"
             "option has the last word, as in clang-tidy.\n"
             "An unknown check name, or a glob matching no check, is an\n"
             "error."),
    cl::value_desc("globs"), cl::cat(Category));

static cl::opt<lockstep::OutputFormat> Format(
    "format", cl::desc("Output format:"), cl::init(lockstep::OutputFormat::Text),
    cl::values(clEnumValN(lockstep::OutputFormat::Text, "text",
                          "clang-tidy's shape: path:line:col: warning: ... [id]"),
               clEnumValN(lockstep::OutputFormat::Json, "json",
                          "a versioned JSON object (see analyzer/docs/usage.md)"),
               clEnumValN(lockstep::OutputFormat::Sarif, "sarif",
                          "SARIF 2.1.0, for code-scanning dashboards")),
    cl::cat(Category));

static cl::opt<std::string> OutputFile(
    "output", cl::desc("Write the report to this file instead of standard\n"
                       "output. Refused when it would overwrite an input."),
    cl::value_desc("file"), cl::cat(Category));

static cl::opt<std::string> ConfigFile(
    "config", cl::desc("Config file to use for every source (default: the\n"
                       "nearest .lockstep.yaml above each source file)."),
    cl::value_desc("file"), cl::cat(Category));

static cl::opt<std::string> BaselineFile(
    "baseline",
    cl::desc("An earlier --format=json or --format=sarif output: report only\n"
             "findings that are not in it (matched by check, file, message and\n"
             "the text of the line, so shifted lines still match)."),
    cl::value_desc("file"), cl::cat(Category));

static cl::opt<bool> ListChecks(
    "list-checks",
    cl::desc("List the checks enabled by --checks and the config, then exit."),
    cl::cat(Category));

static cl::list<std::string> Sources(
    cl::Positional, cl::desc("[<source>...]"), cl::cat(Category));

static const char Overview[] =
    "finds concurrency bugs in C++ (lock misuse, lock-order inversions,\n"
    "condition-variable waits without a predicate, ...).\n\n"
    "  lockstep-check [-p <build-dir>] [options] [<source>...] [-- <extra args>]\n\n"
    "With -p, the named sources (each must be in compile_commands.json) or\n"
    "every entry are analyzed; arguments after -- are added to each command.\n"
    "Without -p, arguments after -- are the whole compile command of every\n"
    "named source.\n\n"
    "Suppress a finding with // NOLINT(check-id) on its line,\n"
    "// NOLINTNEXTLINE(check-id) on the line before, or a\n"
    "// NOLINTBEGIN(check-id) ... // NOLINTEND(check-id) region.\n\n"
    "Exit status: 0 no findings, 1 findings, 2 usage or tool error (bad\n"
    "input, or a translation unit that does not compile; the others are\n"
    "still analyzed and reported).\n";

int main(int argc, const char **argv) {
  // A closed pipe on standard output is a write error the driver reports
  // (LLVM's default SIGPIPE handler would exit silently with status 74).
  InitLLVM X(argc, argv, /*InstallPipeSignalExitHandler=*/false);
  std::signal(SIGPIPE, SIG_IGN);
  // A crash while analyzing one translation unit becomes an error for that
  // unit, not the end of the run.
  CrashRecoveryContext::Enable();

  // Everything after "--" is compiler arguments, not ours.
  int OwnArgc = argc;
  std::vector<std::string> ExtraArgs;
  bool HaveExtraArgs = false;
  for (int I = 1; I < argc; ++I)
    if (std::strcmp(argv[I], "--") == 0) {
      OwnArgc = I;
      HaveExtraArgs = true;
      ExtraArgs.assign(argv + I + 1, argv + argc);
      break;
    }

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) { lockstep::printVersion(OS); });
  std::string ParseErrors;
  raw_string_ostream ParseErrStream(ParseErrors);
  if (!cl::ParseCommandLineOptions(OwnArgc, argv, Overview, &ParseErrStream)) {
    ParseErrStream.flush();
    errs() << ParseErrors << "lockstep-check: error: invalid command line "
              "(see --help)\n";
    return lockstep::ExitError;
  }

  lockstep::DriverOptions Opts;
  Opts.BuildPath = BuildPath;
  Opts.Sources.assign(Sources.begin(), Sources.end());
  Opts.HaveExtraArgs = HaveExtraArgs;
  Opts.ExtraArgs = ExtraArgs;
  Opts.Checks = Checks;
  Opts.Format = Format;
  Opts.OutputFile = OutputFile;
  Opts.ConfigFile = ConfigFile;
  Opts.BaselineFile = BaselineFile;
  Opts.Jobs = Jobs;
  Opts.ListChecks = ListChecks;
  Opts.ShowProgress = sys::Process::StandardErrIsDisplayed();
  return lockstep::runLockstepCheck(Opts, outs(), errs());
}
