//===- FakeChecks.cpp - A predictable stand-in for the real checks --------===//
//
// Tests of the driver need findings they can predict exactly. This fake
// reports one finding at every call to a function named `report_<check>`
// (underscores become dashes: report_fake_alpha() -> fake-alpha) when that
// check is enabled, with the call's string-literal argument as the message
// (or "called report_...") and a note at the callee's declaration.
// `report_fake_config()` reports what config the translation unit got, and a
// call to `crash_the_analyzer()` crashes it (to test crash recovery);
// `kill_the_analyzer()` kills the whole run, as running out of memory would;
// `give_up_here()` reports that a flow analysis gave up on the enclosing
// function.
//
//===----------------------------------------------------------------------===//
#include "lockstep/analyzer/Analyzer.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <csignal>

using namespace clang;

namespace {

class Visitor : public RecursiveASTVisitor<Visitor> {
public:
  Visitor(ASTContext &Ctx, const lockstep::Config &Cfg,
          lockstep::CheckEnabled &Enabled, std::vector<lockstep::Finding> &Out,
          std::vector<lockstep::GaveUpFunction> *GaveUp)
      : Ctx(Ctx), Cfg(Cfg), Enabled(Enabled), Out(Out), GaveUp(GaveUp) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    const FunctionDecl *Outer = Current;
    Current = FD;
    bool R = RecursiveASTVisitor::TraverseFunctionDecl(FD);
    Current = Outer;
    return R;
  }

  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || !Callee->getIdentifier())
      return true;
    llvm::StringRef Name = Callee->getName();
    if (Name == "crash_the_analyzer") {
      volatile int *Null = nullptr;
      *Null = 1;
    }
    if (Name == "kill_the_analyzer")
      raise(SIGKILL);
    if (Name == "give_up_here" && GaveUp && Current) {
      lockstep::GaveUpFunction G;
      G.Where = point(Current->getLocation());
      G.Name = Current->getQualifiedNameAsString();
      GaveUp->push_back(std::move(G));
    }
    if (!Name.consume_front("report_"))
      return true;
    std::string Check = Name.str();
    std::replace(Check.begin(), Check.end(), '_', '-');
    if (!Enabled(Check))
      return true;
    lockstep::Finding F;
    F.CheckId = Check;
    F.Message = "called report_" + Name.str();
    if (Call->getNumArgs() > 0)
      if (auto *S = dyn_cast<StringLiteral>(Call->getArg(0)->IgnoreImplicit()))
        F.Message = S->getString().str();
    if (Check == "fake-config")
      F.Message = "config '" + Cfg.SourcePath + "' checks '" +
                  Cfg.Checks.value_or("") + "' wrappers " +
                  std::to_string(Cfg.Wrappers.size()) + " blocking " +
                  std::to_string(Cfg.BlockingFunctions.size());
    F.Where = point(Call->getBeginLoc());
    F.Notes.push_back({point(Callee->getLocation()), "declared here"});
    Out.push_back(std::move(F));
    return true;
  }

private:
  lockstep::SourcePoint point(SourceLocation Loc) {
    const SourceManager &SM = Ctx.getSourceManager();
    PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Loc));
    llvm::SmallString<256> Path(P.getFilename());
    llvm::sys::fs::make_absolute(Path);
    llvm::sys::path::remove_dots(Path, true);
    return {std::string(Path.str()), P.getLine(), P.getColumn()};
  }

  ASTContext &Ctx;
  const lockstep::Config &Cfg;
  lockstep::CheckEnabled &Enabled;
  std::vector<lockstep::Finding> &Out;
  std::vector<lockstep::GaveUpFunction> *GaveUp;
  const FunctionDecl *Current = nullptr;
};

class Consumer : public ASTConsumer {
public:
  Consumer(const lockstep::Config &Cfg, lockstep::CheckEnabled Enabled,
           std::vector<lockstep::Finding> &Out,
           std::vector<lockstep::GaveUpFunction> *GaveUp)
      : Cfg(Cfg), Enabled(std::move(Enabled)), Out(Out), GaveUp(GaveUp) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    Visitor V(Ctx, Cfg, Enabled, Out, GaveUp);
    V.TraverseDecl(Ctx.getTranslationUnitDecl());
  }

private:
  const lockstep::Config &Cfg;
  lockstep::CheckEnabled Enabled;
  std::vector<lockstep::Finding> &Out;
  std::vector<lockstep::GaveUpFunction> *GaveUp;
};

} // namespace

const std::vector<lockstep::CheckInfo> &lockstep::allChecks() {
  static const std::vector<CheckInfo> Checks = {
      {"fake-alpha", "The first fake check", "analyzer/docs/checks/fake-alpha.md",
       {"Strict", "Verbose"}},
      {"fake-beta", "The second fake check", "analyzer/docs/checks/fake-beta.md"},
      {"fake-config", "Reports the config a translation unit got",
       "analyzer/docs/checks/fake-config.md"},
      {"other-gamma", "A fake check of another family",
       "analyzer/docs/checks/other-gamma.md"},
  };
  return Checks;
}

std::unique_ptr<ASTConsumer>
lockstep::makeAnalysisConsumer(CompilerInstance &CI, const Config &Cfg,
                               CheckEnabled Enabled, std::vector<Finding> &Out,
                               ConfigUse *Use,
                               std::vector<GaveUpFunction> *GaveUp) {
  // The fake knows no wrappers: it reports every one as declared, so only
  // the real checks' tests see the warnings about unused entries.
  if (Use)
    for (const WrapperSpec &W : Cfg.Wrappers)
      Use->WrappersDeclared.insert(W.Function);
  return std::make_unique<Consumer>(Cfg, std::move(Enabled), Out, GaveUp);
}
