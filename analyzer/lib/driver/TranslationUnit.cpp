//===- TranslationUnit.cpp - Analyzing one compile command ----------------===//
#include "lockstep/driver/TranslationUnit.h"
#include "lockstep/analyzer/Analyzer.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Basic/FileManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <algorithm>

using namespace lockstep;
using namespace clang;

namespace {

/// Keeps the compiler's errors (with the notes that follow them) as text.
/// Warnings are dropped: lockstep-check reports its own findings, not the
/// compiler's, and only errors make a TU unanalyzable.
class ErrorCollector : public DiagnosticConsumer {
public:
  ErrorCollector() : OS(Text), Printer(OS, new DiagnosticOptions()) {}

  void BeginSourceFile(const LangOptions &LO, const Preprocessor *PP) override {
    Printer.BeginSourceFile(LO, PP);
  }
  void EndSourceFile() override { Printer.EndSourceFile(); }
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info); // Counts errors.
    if (Level >= DiagnosticsEngine::Error)
      ShowingNotes = true;
    else if (Level != DiagnosticsEngine::Note)
      ShowingNotes = false;
    if (Level >= DiagnosticsEngine::Error ||
        (Level == DiagnosticsEngine::Note && ShowingNotes))
      Printer.HandleDiagnostic(Level, Info);
  }

  std::string take() {
    OS.flush();
    return std::move(Text);
  }

private:
  std::string Text;
  llvm::raw_string_ostream OS;
  TextDiagnosticPrinter Printer;
  bool ShowingNotes = false;
};

class AnalysisAction : public ASTFrontendAction {
public:
  AnalysisAction(const Config &Cfg, CheckEnabled Enabled,
                 std::vector<Finding> &Out, ConfigUse &Use,
                 std::vector<GaveUpFunction> &GaveUp)
      : Cfg(Cfg), Enabled(std::move(Enabled)), Out(Out), Use(Use),
        GaveUp(GaveUp) {}

protected:
  bool BeginInvocation(CompilerInstance &CI) override {
    // Clang prints "N errors generated." to stderr itself; the collector
    // already has the errors, and parallel TUs would interleave the lines.
    CI.setVerboseOutputStream(std::make_unique<llvm::raw_null_ostream>());
    return true;
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    if (auto C = makeAnalysisConsumer(CI, Cfg, Enabled, Out, &Use, &GaveUp))
      return C;
    return std::make_unique<ASTConsumer>();
  }

private:
  const Config &Cfg;
  CheckEnabled Enabled;
  std::vector<Finding> &Out;
  ConfigUse &Use;
  std::vector<GaveUpFunction> &GaveUp;
};

/// Long compiler output (a missing header can cascade) is cut so the error
/// stays readable; the first errors are the ones that matter.
std::string clampLines(std::string Text, unsigned MaxLines) {
  unsigned Lines = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    if (Text[I] != '\n' || ++Lines < MaxLines)
      continue;
    size_t Rest = std::count(Text.begin() + I + 1, Text.end(), '\n');
    if (Rest == 0)
      break;
    Text.resize(I + 1);
    Text += "... (" + std::to_string(Rest) + " more lines)\n";
    break;
  }
  return Text;
}

} // namespace

std::vector<std::string>
lockstep::adjustedCommandLine(const tooling::CompileCommand &Cmd,
                              const std::vector<std::string> &ExtraArgs) {
  using namespace tooling;
  CommandLineArguments Args = Cmd.CommandLine;
  Args = getClangStripOutputAdjuster()(Args, Cmd.Filename);
  Args = getClangSyntaxOnlyAdjuster()(Args, Cmd.Filename);
  Args = getClangStripDependencyFileAdjuster()(Args, Cmd.Filename);
  // A warning the project turns into an error (-Werror, or a GCC-only flag
  // Clang warns about) must not stop the analysis.
  Args = getInsertArgumentAdjuster("-Wno-error", ArgumentInsertPosition::END)(
      Args, Cmd.Filename);
  if (!ExtraArgs.empty())
    Args = getInsertArgumentAdjuster(ExtraArgs, ArgumentInsertPosition::END)(
        Args, Cmd.Filename);
  bool HasResourceDir = false;
  for (const std::string &A : Args)
    HasResourceDir |= A == "-resource-dir" ||
                      llvm::StringRef(A).startswith("-resource-dir=");
  if (!HasResourceDir)
    Args = getInsertArgumentAdjuster(
        ("-resource-dir=" + llvm::StringRef(LOCKSTEP_CLANG_RESOURCE_DIR)).str().c_str(),
        ArgumentInsertPosition::BEGIN)(Args, Cmd.Filename);
  return Args;
}

TUResult lockstep::analyzeTranslationUnit(
    const tooling::CompileCommand &Cmd, const std::vector<std::string> &ExtraArgs,
    const Config &Cfg, const std::vector<std::string> &Enabled) {
  TUResult R;
  if (Cmd.CommandLine.empty()) {
    R.Failed = true;
    R.Message = "the compile command is empty";
    return R;
  }
  if (Cmd.Filename == "-") {
    // Reading standard input would wait on the user's terminal forever.
    R.Failed = true;
    R.Message = "the compile command reads its source from standard input";
    return R;
  }
  // A private file system with its own working directory: the process's
  // working directory is shared by all threads and must not change.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS(
      llvm::vfs::createPhysicalFileSystem().release());
  if (std::error_code EC = FS->setCurrentWorkingDirectory(Cmd.Directory)) {
    R.Failed = true;
    R.Message = "cannot use the compile command's directory '" +
                Cmd.Directory + "': " + EC.message();
    return R;
  }
  llvm::IntrusiveRefCntPtr<FileManager> Files(
      new FileManager(FileSystemOptions(), FS));

  auto EnabledSet = std::make_shared<llvm::StringSet<>>();
  for (const std::string &Id : Enabled)
    EnabledSet->insert(Id);
  CheckEnabled IsEnabled = [EnabledSet](llvm::StringRef Id) {
    return EnabledSet->count(Id) != 0;
  };

  std::vector<Finding> Found;
  ErrorCollector Errors;
  tooling::ToolInvocation Invocation(
      adjustedCommandLine(Cmd, ExtraArgs),
      std::make_unique<AnalysisAction>(Cfg, IsEnabled, Found, R.Use,
                                       R.GaveUp), Files.get(),
      std::make_shared<PCHContainerOperations>());
  Invocation.setDiagnosticConsumer(&Errors);

  bool Ran = false;
  llvm::CrashRecoveryContext CRC;
  bool NoCrash = CRC.RunSafely([&] { Ran = Invocation.run(); });
  R.CompilerOutput = clampLines(Errors.take(), 60);
  if (!NoCrash) {
    R.Failed = true;
    R.Message = "the analyzer crashed on this translation unit (a bug in "
                "lockstep-check; please report it)";
  } else if (!Ran || Errors.getNumErrors() > 0) {
    R.Failed = true;
    R.Message = "the translation unit does not compile";
  } else {
    R.Findings = std::move(Found);
    R.CompilerOutput.clear();
  }
  if (R.Failed)
    R.GaveUp.clear(); // as its findings, they are not this TU's result
  return R;
}
