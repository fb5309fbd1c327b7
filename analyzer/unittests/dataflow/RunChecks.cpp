//===- RunChecks.cpp - In-process runs of makeAnalysisConsumer ------------===//
#include "RunChecks.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include <algorithm>

namespace lockstep::test {
namespace {
class Action : public clang::ASTFrontendAction {
public:
  Action(const Config &Cfg, std::string Prefix, std::vector<Finding> &Out)
      : Cfg(Cfg), Prefix(std::move(Prefix)), Out(Out) {}
  std::unique_ptr<clang::ASTConsumer>
  CreateASTConsumer(clang::CompilerInstance &CI, llvm::StringRef) override {
    std::string P = Prefix;
    return makeAnalysisConsumer(
        CI, Cfg, [P](llvm::StringRef Id) { return Id.startswith(P); }, Out);
  }

private:
  const Config &Cfg;
  std::string Prefix;
  std::vector<Finding> &Out;
};
} // namespace

std::vector<Finding> runChecks(const std::string &Code,
                               const std::string &CheckPrefix,
                               const Config &Cfg,
                               std::vector<std::string> ExtraArgs,
                               const std::string &FileName) {
  std::vector<Finding> Out;
  std::vector<std::string> Args = {"-std=c++20", "-fsyntax-only",
                                   "-Wno-unused-value", "-pthread",
                                   "-resource-dir=" LOCKSTEP_CLANG_RESOURCE_DIR};
  Args.insert(Args.end(), ExtraArgs.begin(), ExtraArgs.end());
  bool Ok = clang::tooling::runToolOnCodeWithArgs(
      std::make_unique<Action>(Cfg, CheckPrefix, Out), Code, Args,
      FileName);
  if (!Ok) {
    Finding F;
    F.CheckId = "error";
    Out.push_back(F);
  }
  return Out;
}

std::vector<std::pair<std::string, unsigned>>
idLines(const std::vector<Finding> &Findings) {
  std::vector<std::pair<std::string, unsigned>> R;
  for (const Finding &F : Findings)
    R.push_back({F.CheckId, F.Where.Line});
  std::sort(R.begin(), R.end());
  return R;
}

} // namespace lockstep::test
