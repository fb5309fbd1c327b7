//===- Driver.cpp - One run of lockstep-check -----------------------------===//
//
// Order of work: validate everything the user gave (checks, configs, baseline,
// database, sources, output path) before analyzing anything, so that a typo
// costs no compile time; then analyze; then filter and print.
//
//===----------------------------------------------------------------------===//
#include "lockstep/driver/Driver.h"
#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Config.h"
#include "lockstep/diagnostics/Baseline.h"
#include "lockstep/diagnostics/FindingBuffer.h"
#include "lockstep/diagnostics/Pipeline.h"
#include "lockstep/diagnostics/Printers.h"
#include "lockstep/driver/CheckSelection.h"
#include "lockstep/driver/TranslationUnit.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

using namespace lockstep;
using clang::tooling::CompileCommand;
using clang::tooling::CompilationDatabase;

namespace {

/// One compile command to analyze, with what it is analyzed with.
struct Job {
  std::string File; ///< Absolute, dots removed.
  CompileCommand Cmd;
  const Config *Cfg = nullptr;
  const std::vector<std::string> *Enabled = nullptr;
};

/// A usage or input error: printed as "lockstep-check: error: ..." and the
/// run stops with ExitError.
class Run {
public:
  Run(const DriverOptions &Opts, llvm::raw_ostream &Out, llvm::raw_ostream &Err)
      : Opts(Opts), Out(Out), Err(Err) {}
  int run();
  /// The exit status of run(), after telling the user about --output.
  int finish(int Status);

private:
  int fail(const llvm::Twine &Msg) {
    Err << "lockstep-check: error: " << Msg << '\n';
    return ExitError;
  }
  int listChecks();
  bool loadDatabase();
  bool collectJobs();
  bool loadConfigs();
  bool checkOutputPath();
  std::vector<TUResult> analyze();
  /// Warns about config wrappers that never apply.
  void reportConfigUse(const std::vector<TUResult> &Results);
  void reportGaveUp(const std::vector<TUResult> &Results);
  bool emit(const std::string &Text);
  /// Whether --output was written by this run.
  bool Wrote = false;

  const DriverOptions &Opts;
  llvm::raw_ostream &Out;
  llvm::raw_ostream &Err;

  std::unique_ptr<CompilationDatabase> DB;
  std::string DBFile; ///< compile_commands.json, if one was read.
  std::vector<Job> Jobs;
  /// Configs by path ("" is the empty default), and the checks each enables.
  std::map<std::string, Config> Configs;
  std::map<std::string, std::vector<std::string>> EnabledByConfig;
};

std::string absolutePath(llvm::StringRef Path, llvm::StringRef Base = "") {
  llvm::SmallString<256> Abs(Path);
  if (!llvm::sys::path::is_absolute(Abs)) {
    if (!Base.empty())
      llvm::sys::fs::make_absolute(Base, Abs);
    else
      llvm::sys::fs::make_absolute(Abs);
  }
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs.str());
}

/// The glob lists that decide which checks run, lowest precedence first: the
/// config file's `checks:`, then `--checks`, so the command line has the last
/// word as in clang-tidy.
std::vector<std::string> checkGlobLists(const std::string &CommandLine,
                                        const Config &Cfg) {
  std::vector<std::string> Lists;
  if (Cfg.Checks)
    Lists.push_back(*Cfg.Checks);
  if (!CommandLine.empty())
    Lists.push_back(CommandLine);
  return Lists;
}

/// Clang reads compile_commands.json with a YAML parser, to which `5` is as
/// good a string as `"5"`: `"file": 5` would name a file called 5. JSON
/// strings are the quoted scalars; anything else where one belongs is an
/// error, named by entry and position. "" when the types are right (other
/// problems are left to Clang's reader).
std::string databaseTypeError(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return ""; // Clang's reader says why it cannot read it.
  llvm::SourceMgr SM;
  SM.setDiagHandler([](const llvm::SMDiagnostic &, void *) {}, nullptr);
  llvm::yaml::Stream YS((*Buf)->getBuffer(), SM);
  std::string Error;
  auto Fail = [&](llvm::yaml::Node *N, unsigned Entry, const llvm::Twine &Msg) {
    if (!Error.empty())
      return;
    auto LC = SM.getLineAndColumn(N->getSourceRange().Start);
    Error = "entry " + std::to_string(Entry) + " (line " +
            std::to_string(LC.first) + ", column " +
            std::to_string(LC.second) + "): " + Msg.str();
  };
  auto IsString = [](llvm::yaml::Node *N) {
    auto *S = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(N);
    return S && S->getRawValue().startswith("\"");
  };
  for (llvm::yaml::Document &Doc : YS) {
    auto *Entries =
        llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(Doc.getRoot());
    if (!Entries)
      return "";
    unsigned Index = 0;
    for (llvm::yaml::Node &E : *Entries) {
      auto *M = llvm::dyn_cast<llvm::yaml::MappingNode>(&E);
      if (M)
        for (llvm::yaml::KeyValueNode &KV : *M) {
          auto *K = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(KV.getKey());
          llvm::yaml::Node *V = KV.getValue();
          if (!K || !V)
            continue;
          llvm::SmallString<16> Storage;
          llvm::StringRef Key = K->getValue(Storage);
          if (Key == "arguments") {
            if (auto *Args = llvm::dyn_cast<llvm::yaml::SequenceNode>(V)) {
              for (llvm::yaml::Node &A : *Args)
                if (!IsString(&A))
                  Fail(&A, Index, "each of 'arguments' must be a string");
            }
          } else if (!IsString(V) && (Key == "directory" || Key == "file" ||
                                      Key == "command" || Key == "output")) {
            Fail(V, Index, "'" + Key + "' must be a string");
          } else {
            V->skip();
          }
        }
      ++Index;
    }
  }
  return Error;
}

} // namespace

void lockstep::printVersion(llvm::raw_ostream &OS) {
  OS << "lockstep-check version " << toolVersion() << "\n  built with LLVM "
     << LLVM_VERSION_STRING << "\n";
}

int Run::listChecks() {
  Config Cfg;
  std::optional<std::string> CfgPath;
  if (!Opts.ConfigFile.empty())
    CfgPath = Opts.ConfigFile;
  else
    CfgPath = findConfigFor(absolutePath("lockstep-list-checks"));
  if (CfgPath) {
    auto Loaded = loadConfigFile(*CfgPath);
    if (!Loaded)
      return fail(llvm::toString(Loaded.takeError()));
    Cfg = std::move(*Loaded);
  }
  std::vector<std::string> Enabled =
      enabledChecks(allChecks(), checkGlobLists(Opts.Checks, Cfg));
  size_t Width = 0;
  for (const CheckInfo &C : allChecks())
    Width = std::max(Width, C.Id.size());
  Out << "Enabled checks (" << Enabled.size() << " of " << allChecks().size()
      << "):\n";
  for (const CheckInfo &C : allChecks())
    if (std::find(Enabled.begin(), Enabled.end(), C.Id) != Enabled.end())
      Out << "    " << llvm::left_justify(C.Id, Width) << "  " << C.Summary
          << "\n";
  return ExitClean;
}

bool Run::loadDatabase() {
  std::string Msg;
  if (!Opts.BuildPath.empty()) {
    llvm::SmallString<256> Path(Opts.BuildPath);
    if (llvm::sys::fs::is_directory(Path))
      llvm::sys::path::append(Path, "compile_commands.json");
    if (!llvm::sys::fs::exists(Opts.BuildPath)) {
      fail("build directory '" + Opts.BuildPath + "' does not exist");
      return false;
    }
    if (!llvm::sys::fs::exists(Path)) {
      fail("no compile_commands.json in '" + Opts.BuildPath +
           "' (configure the project with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, "
           "or name the sources and pass compiler arguments after --)");
      return false;
    }
    DBFile = absolutePath(Path);
    std::string Bad = databaseTypeError(DBFile);
    if (!Bad.empty()) {
      fail("malformed compilation database '" + DBFile + "': " + Bad);
      return false;
    }
    DB = clang::tooling::JSONCompilationDatabase::loadFromFile(
        DBFile, Msg, clang::tooling::JSONCommandLineSyntax::AutoDetect);
    if (!DB) {
      fail("malformed compilation database '" + DBFile + "': " + Msg);
      return false;
    }
    return true;
  }
  if (Opts.Sources.empty()) {
    fail("nothing to analyze: give -p <build-dir> (every file of its "
         "compile_commands.json), or source files followed by -- and compiler "
         "arguments");
    return false;
  }
  if (Opts.HaveExtraArgs) {
    // No database: every source is compiled with the arguments after --.
    DB = std::make_unique<clang::tooling::FixedCompilationDatabase>(
        absolutePath("."), Opts.ExtraArgs);
    return true;
  }
  DB = CompilationDatabase::autoDetectFromSource(absolutePath(Opts.Sources[0]),
                                                 Msg);
  if (!DB) {
    fail("no compilation database found for '" + Opts.Sources[0] +
         "': give -p <build-dir>, or compiler arguments after --");
    return false;
  }
  return true;
}

bool Run::collectJobs() {
  bool Ok = true;
  auto AddCommand = [&](CompileCommand Cmd) {
    Job J;
    J.File = absolutePath(Cmd.Filename, Cmd.Directory);
    J.Cmd = std::move(Cmd);
    Jobs.push_back(std::move(J));
  };
  std::string Where = DBFile.empty() ? "" : " '" + DBFile + "'";
  if (!Opts.Sources.empty()) {
    for (const std::string &Source : Opts.Sources) {
      std::string Abs = absolutePath(Source);
      if (!llvm::sys::fs::exists(Abs)) {
        fail("no such source file: '" + Source + "'");
        Ok = false;
        continue;
      }
      std::vector<CompileCommand> Cmds = DB->getCompileCommands(Abs);
      if (Cmds.empty()) {
        fail("'" + Source + "' is not in the compilation database" + Where);
        Ok = false;
        continue;
      }
      for (CompileCommand &C : Cmds)
        AddCommand(std::move(C));
    }
  } else {
    for (CompileCommand &C : DB->getAllCompileCommands())
      AddCommand(std::move(C));
    if (Jobs.empty()) {
      fail("the compilation database" + Where + " has no entries");
      return false;
    }
  }
  // One order whatever the database's order, and each command once (a
  // source named twice, or listed twice, is analyzed once).
  std::stable_sort(Jobs.begin(), Jobs.end(), [](const Job &A, const Job &B) {
    return std::tie(A.File, A.Cmd.Directory, A.Cmd.CommandLine) <
           std::tie(B.File, B.Cmd.Directory, B.Cmd.CommandLine);
  });
  Jobs.erase(std::unique(Jobs.begin(), Jobs.end(),
                         [](const Job &A, const Job &B) {
                           return A.File == B.File &&
                                  A.Cmd.Directory == B.Cmd.Directory &&
                                  A.Cmd.CommandLine == B.Cmd.CommandLine;
                         }),
             Jobs.end());
  return Ok;
}

bool Run::loadConfigs() {
  bool Ok = true;
  std::vector<std::string> Paths(Jobs.size());
  for (size_t I = 0; I < Jobs.size(); ++I) {
    if (!Opts.ConfigFile.empty())
      Paths[I] = Opts.ConfigFile;
    else if (auto Found = findConfigFor(Jobs[I].File))
      Paths[I] = *Found;
  }
  for (size_t I = 0; I < Jobs.size(); ++I) {
    const std::string &P = Paths[I];
    if (!Configs.count(P)) {
      if (P.empty()) {
        Configs[P] = Config();
      } else {
        auto Cfg = loadConfigFile(P);
        if (!Cfg) {
          fail(llvm::toString(Cfg.takeError()));
          Configs[P] = Config();
          Ok = false;
        } else {
          Configs[P] = std::move(*Cfg);
        }
      }
      EnabledByConfig[P] =
          enabledChecks(allChecks(), checkGlobLists(Opts.Checks, Configs[P]));
      if (Ok && EnabledByConfig[P].empty()) {
        fail("no checks enabled (by --checks='" + Opts.Checks + "'" +
             (P.empty() ? std::string() : " and " + P) + ")");
        Ok = false;
      }
    }
    Jobs[I].Cfg = &Configs[P];
    Jobs[I].Enabled = &EnabledByConfig[P];
  }
  return Ok;
}

bool Run::checkOutputPath() {
  if (Opts.OutputFile.empty())
    return true;
  const std::string &OutPath = Opts.OutputFile;
  std::string Abs = absolutePath(OutPath);
  if (llvm::sys::fs::is_directory(Abs)) {
    fail("--output='" + OutPath + "' is a directory");
    return false;
  }
  llvm::StringRef Ext = llvm::sys::path::extension(Abs);
  static const char *const SourceExts[] = {".c",   ".cc",  ".cpp", ".cxx",
                                           ".c++", ".h",   ".hh",  ".hpp",
                                           ".hxx", ".inc", ".ipp", ".tpp",
                                           ".m",   ".mm",  ".cu",  ".yaml"};
  for (const char *E : SourceExts)
    if (Ext.equals_insensitive(E)) {
      fail("refusing to write the report to '" + OutPath +
           "': it looks like a source or config file, not a report");
      return false;
    }
  std::vector<std::string> Inputs;
  for (const Job &J : Jobs)
    Inputs.push_back(J.File);
  // Every source of the database is the user's, analyzed this time or not.
  for (const std::string &F : DB->getAllFiles())
    Inputs.push_back(absolutePath(F));
  if (!DBFile.empty())
    Inputs.push_back(DBFile);
  for (const auto &KV : Configs)
    if (!KV.first.empty())
      Inputs.push_back(absolutePath(KV.first));
  if (!Opts.BaselineFile.empty())
    Inputs.push_back(absolutePath(Opts.BaselineFile));
  bool Exists = llvm::sys::fs::exists(Abs);
  for (const std::string &In : Inputs) {
    if (In == Abs || (Exists && llvm::sys::fs::equivalent(In, Abs))) {
      fail("refusing to overwrite input file '" + In + "' with the report "
           "(--output='" + OutPath + "')");
      return false;
    }
  }
  // The report is renamed into place: the directory must be writable,
  // whether or not the file exists.
  llvm::StringRef Dir = llvm::sys::path::parent_path(Abs);
  if (!llvm::sys::fs::is_directory(Dir)) {
    fail("cannot write --output='" + OutPath + "': directory '" + Dir +
         "' does not exist");
    return false;
  }
  if (std::error_code EC =
          llvm::sys::fs::access(Dir, llvm::sys::fs::AccessMode::Write)) {
    fail("cannot write --output='" + OutPath + "': " + EC.message());
    return false;
  }
  return true;
}

std::vector<TUResult> Run::analyze() {
  std::vector<TUResult> Results(Jobs.size());
  unsigned Threads = Opts.Jobs ? Opts.Jobs : std::thread::hardware_concurrency();
  Threads = std::max(1u, std::min<unsigned>(Threads, Jobs.size()));
  // A progress line only helps when there is something to wait for.
  bool Progress = Opts.ShowProgress && Jobs.size() > 3;
  std::atomic<size_t> Next{0};
  std::mutex ProgressMu;
  size_t Done = 0;
  auto Worker = [&] {
    for (size_t I = Next++; I < Jobs.size(); I = Next++) {
      const Job &J = Jobs[I];
      Results[I] =
          analyzeTranslationUnit(J.Cmd, Opts.HaveExtraArgs && !Opts.BuildPath.empty()
                                            ? Opts.ExtraArgs
                                            : std::vector<std::string>(),
                                 *J.Cfg, *J.Enabled);
      if (Progress) {
        std::lock_guard<std::mutex> Lock(ProgressMu);
        ++Done;
        std::string Line = "[" + std::to_string(Done) + "/" +
                           std::to_string(Jobs.size()) + "] " +
                           llvm::sys::path::filename(J.File).str();
        Err << "\r" << llvm::left_justify(Line, 78);
        Err.flush();
      }
    }
  };
  if (Threads == 1) {
    Worker();
  } else {
    std::vector<std::thread> Pool;
    for (unsigned T = 0; T < Threads; ++T)
      Pool.emplace_back(Worker);
    for (std::thread &T : Pool)
      T.join();
  }
  if (Progress)
    Err << "\r" << std::string(78, ' ') << "\r";
  return Results;
}

bool Run::emit(const std::string &Text) {
  if (Opts.OutputFile.empty()) {
    Out << Text;
    Out.flush();
    // A full disk or a closed pipe: say so once, and keep the stream from
    // turning the error into a crash when it is destroyed at exit.
    if (auto *FD = dynamic_cast<llvm::raw_fd_ostream *>(&Out))
      if (FD->has_error()) {
        fail("cannot write the report to standard output: " +
             FD->error().message());
        FD->clear_error();
        return false;
      }
    return true;
  }
  // The report is written next to its destination and renamed over it only
  // when complete, so the file is always a whole report of one run.
  std::string Abs = absolutePath(Opts.OutputFile);
  llvm::SmallString<256> Model(llvm::sys::path::parent_path(Abs));
  llvm::sys::path::append(Model, "." + llvm::sys::path::filename(Abs) +
                                     "-%%%%%%.tmp");
  int FD;
  llvm::SmallString<256> Temp;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Temp)) {
    fail("cannot write --output='" + Opts.OutputFile + "': " + EC.message());
    return false;
  }
  llvm::sys::RemoveFileOnSignal(Temp);
  std::error_code EC;
  {
    llvm::raw_fd_ostream File(FD, /*shouldClose=*/true);
    File << Text;
    File.close();
    if (File.has_error()) {
      EC = File.error();
      File.clear_error();
    }
  }
  if (!EC)
    EC = llvm::sys::fs::rename(Temp, Abs);
  llvm::sys::DontRemoveFileOnSignal(Temp);
  if (EC) {
    llvm::sys::fs::remove(Temp);
    fail("cannot write --output='" + Opts.OutputFile + "': " + EC.message());
    return false;
  }
  Wrote = true;
  return true;
}

int Run::run() {
  if (!Opts.Checks.empty())
    if (auto E = validateCheckGlobs(Opts.Checks))
      return fail("--checks: " + llvm::toString(std::move(E)));
  if (Opts.ListChecks)
    return listChecks();

  std::optional<Baseline> Known;
  if (!Opts.BaselineFile.empty()) {
    auto B = Baseline::load(Opts.BaselineFile);
    if (!B)
      return fail(llvm::toString(B.takeError()));
    Known = std::move(*B);
  }
  if (!loadDatabase())
    return ExitError;
  // Each step reports all of its problems before the run stops.
  bool JobsOk = collectJobs();
  if (!JobsOk || !loadConfigs() || !checkOutputPath())
    return ExitError;

  // From here on the run produces a new report or fails: an earlier
  // report must not survive a failed or killed run looking current.
  if (!Opts.OutputFile.empty())
    llvm::sys::fs::remove(absolutePath(Opts.OutputFile));
  std::vector<TUResult> Results = analyze();

  FindingBuffer Buffer;
  std::vector<ToolError> Errors;
  for (size_t I = 0; I < Jobs.size(); ++I) {
    TUResult &R = Results[I];
    if (!R.Failed) {
      Buffer.add(std::move(R.Findings));
      continue;
    }
    // The same file failing under two commands is one problem to the user.
    if (!Errors.empty() && Errors.back().File == Jobs[I].File &&
        Errors.back().Message == R.Message)
      continue;
    Errors.push_back({Jobs[I].File, R.Message, R.CompilerOutput});
  }
  reportConfigUse(Results);

  SourceCache Sources;
  FilterStats Stats;
  Report Rep = buildReport(Buffer.take(), std::move(Errors),
                           Known ? &*Known : nullptr, Sources, Stats);

  for (const ToolError &E : Rep.Errors) {
    Err << "lockstep-check: error: " << E.File << ": " << E.Message << '\n';
    if (!E.Details.empty())
      Err << E.Details << (llvm::StringRef(E.Details).endswith("\n") ? "" : "\n");
  }
  for (const std::string &P : Stats.NolintProblems)
    Err << "lockstep-check: warning: " << P << '\n';
  if (Stats.SuppressedByNolint)
    Err << "lockstep-check: " << Stats.SuppressedByNolint
        << " finding(s) suppressed by NOLINT comments\n";
  if (Stats.KnownInBaseline)
    Err << "lockstep-check: " << Stats.KnownInBaseline
        << " finding(s) already in the baseline\n";
  reportGaveUp(Results);

  std::string Text;
  llvm::raw_string_ostream OS(Text);
  switch (Opts.Format) {
  case OutputFormat::Text:
    printText(Rep, OS);
    break;
  case OutputFormat::Json:
    printJson(Rep, OS);
    break;
  case OutputFormat::Sarif:
    printSarif(Rep, allChecks(), OS);
    break;
  }
  OS.flush();
  if (!emit(Text))
    return ExitError;
  if (!Rep.Errors.empty()) {
    Err << "lockstep-check: " << Rep.Errors.size() << " of " << Jobs.size()
        << " translation unit(s) could not be analyzed\n";
    return ExitError;
  }
  return Rep.Findings.empty() ? ExitClean : ExitFindings;
}

void Run::reportConfigUse(const std::vector<TUResult> &Results) {
  // A wrapper may be missing from one translation unit and declared in
  // another: only one declared by no analyzed unit is a mistake to report,
  // once per run. Entries that cannot fit their function, likewise once.
  std::map<const Config *, ConfigUse> ByConfig;
  std::set<std::string> Warnings;
  for (size_t I = 0; I < Jobs.size(); ++I) {
    const TUResult &R = Results[I];
    if (R.Failed || Jobs[I].Cfg->Wrappers.empty())
      continue;
    ConfigUse &U = ByConfig[Jobs[I].Cfg];
    U.WrappersDeclared.insert(R.Use.WrappersDeclared.begin(),
                              R.Use.WrappersDeclared.end());
    U.NearMisses.insert(R.Use.NearMisses.begin(), R.Use.NearMisses.end());
    Warnings.insert(R.Use.Warnings.begin(), R.Use.Warnings.end());
  }
  for (const auto &[Cfg, U] : ByConfig) {
    for (const WrapperSpec &W : Cfg->Wrappers) {
      if (U.WrappersDeclared.count(W.Function))
        continue;
      std::string Msg = Cfg->SourcePath + ":" + std::to_string(W.Line) + ": wrapper '" +
                        W.Function +
                        "' names no function declared in any analyzed "
                        "translation unit, so it never applies";
      auto Near = U.NearMisses.find(W.Function);
      if (Near != U.NearMisses.end())
        Msg += " (did you mean '" + Near->second + "'?)";
      else
        Msg += " (write the qualified name, as in 'ns::Class::Method')";
      Warnings.insert(Msg);
    }
  }
  for (const std::string &W : Warnings)
    Err << "lockstep-check: warning: " << W << '\n';
}

void Run::reportGaveUp(const std::vector<TUResult> &Results) {
  // A function in a header is analysed in every unit that includes it:
  // one mention per function. The list is cut so the line stays readable.
  std::set<GaveUpFunction> All;
  for (const TUResult &R : Results)
    All.insert(R.GaveUp.begin(), R.GaveUp.end());
  if (All.empty())
    return;
  const size_t Shown = 5;
  Err << "lockstep-check: flow analysis gave up on " << All.size()
      << " function(s) (too many paths); findings in them may be missing:";
  size_t I = 0;
  for (const GaveUpFunction &G : All) {
    if (I++ == Shown) {
      Err << " and " << (All.size() - Shown) << " more";
      break;
    }
    Err << ' ' << G.Where.File << ':' << G.Where.Line << " '" << G.Name << "'";
  }
  Err << '\n';
}

int Run::finish(int Status) {
  // A run stopped by bad input never touched --output: say that what is
  // there, if anything, is not this run's report.
  if (Status == ExitError && !Opts.OutputFile.empty() && !Wrote &&
      llvm::sys::fs::exists(Opts.OutputFile))
    Err << "lockstep-check: note: --output='" << Opts.OutputFile
        << "' was left as it was; it is not a report of this run\n";
  return Status;
}

int lockstep::runLockstepCheck(const DriverOptions &Opts,
                               llvm::raw_ostream &Out, llvm::raw_ostream &Err) {
  Run R(Opts, Out, Err);
  return R.finish(R.run());
}
