//===- AnalysisConsumer.cpp - Running the enabled checks over one TU ------===//
//
// makeAnalysisConsumer(): instantiate the enabled checks, run the AST
// matchers of the AST checks, then the lock-set dataflow with every flow
// check listening, then the checks that ask the lock analysis about calls,
// when the translation unit has been parsed.
//
//===----------------------------------------------------------------------===//
#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Check.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/StringSet.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"

using namespace clang;

namespace lockstep {
namespace {

/// Forwards each flow event to every enabled check.
class HandlerFanout : public LockHandler {
public:
  explicit HandlerFanout(std::vector<std::unique_ptr<Check>> &Checks)
      : Checks(Checks) {}
  void handleDoubleLock(const DoubleLockEvent &E) override {
    for (auto &C : Checks)
      C->handleDoubleLock(E);
  }
  void handleUnlockNotHeld(const UnlockNotHeldEvent &E) override {
    for (auto &C : Checks)
      C->handleUnlockNotHeld(E);
  }
  void handleNotReleased(const NotReleasedEvent &E) override {
    for (auto &C : Checks)
      C->handleNotReleased(E);
  }
  void handleBlockingUnderLock(const BlockingEvent &E) override {
    for (auto &C : Checks)
      C->handleBlockingUnderLock(E);
  }
  void handleSuspendUnderLock(const SuspendEvent &E) override {
    for (auto &C : Checks)
      C->handleSuspendUnderLock(E);
  }
  void handleLockOrder(const std::vector<OrderEdge> &Edges,
                       ASTContext &Ctx) override {
    for (auto &C : Checks)
      C->handleLockOrder(Edges, Ctx);
  }

private:
  std::vector<std::unique_ptr<Check>> &Checks;
};

/// Finds the declarations the config's wrappers name, the way LockModel
/// looks them up (by qualified name), and entries that cannot fit them.
class WrapperScan : public RecursiveASTVisitor<WrapperScan> {
public:
  WrapperScan(const Config &Cfg, ConfigUse &Use) : Cfg(Cfg), Use(Use) {
    for (const WrapperSpec &W : Cfg.Wrappers)
      LastNames.insert(lastName(W.Function));
  }
  static llvm::StringRef lastName(llvm::StringRef Qualified) {
    size_t Colons = Qualified.rfind("::");
    return Colons == llvm::StringRef::npos ? Qualified
                                           : Qualified.drop_front(Colons + 2);
  }
  bool shouldVisitTemplateInstantiations() const { return false; }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->getIdentifier() || !LastNames.count(FD->getName()))
      return true;
    std::string QN = FD->getQualifiedNameAsString();
    for (const WrapperSpec &W : Cfg.Wrappers) {
      if (QN != W.Function) {
        if (lastName(W.Function) == FD->getName())
          Use.NearMisses.emplace(W.Function, QN);
        continue;
      }
      Use.WrappersDeclared.insert(W.Function);
      std::string Where = Cfg.SourcePath + ":" + std::to_string(W.Line) +
                          ": wrapper '" + W.Function + "' ";
      const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      if (W.Argument < 0 && !(MD && MD->isInstance()))
        Use.Warnings.insert(Where + "names 'this', but '" + QN +
                            "' is not a non-static member function; it is "
                            "ignored where called");
      else if (W.Argument >= 0 && !FD->isVariadic() &&
               static_cast<unsigned>(W.Argument) >= FD->getNumParams())
        Use.Warnings.insert(Where + "names argument " +
                            std::to_string(W.Argument) + ", but '" + QN +
                            "' has " + std::to_string(FD->getNumParams()) +
                            " parameter(s) (indexes count from 0); it is "
                            "ignored where called");
    }
    return true;
  }

private:
  const Config &Cfg;
  ConfigUse &Use;
  llvm::StringSet<> LastNames;
};

class AnalysisConsumer : public ASTConsumer {
public:
  AnalysisConsumer(const Config &Cfg, CheckEnabled Enabled,
                   std::vector<Finding> &Out, ConfigUse *Use,
                   std::vector<GaveUpFunction> *GaveUp)
      : Ctx(Cfg, Out, GaveUp), Use(Use) {
    for (const auto &E : checkFactories().entries())
      if (!Enabled || Enabled(E.Info.Id))
        Checks.push_back(E.Make(Ctx));
  }

  void HandleTranslationUnit(ASTContext &AST) override {
    // A translation unit that did not compile has a partial AST; the driver
    // reports the compiler's errors instead.
    if (AST.getDiagnostics().hasUncompilableErrorOccurred() || Checks.empty())
      return;
    if (Use && !Ctx.config().Wrappers.empty())
      WrapperScan(Ctx.config(), *Use)
          .TraverseDecl(AST.getTranslationUnitDecl());
    Ctx.setAST(&AST);
    ast_matchers::MatchFinder Finder;
    for (auto &C : Checks)
      C->registerMatchers(Finder);
    Finder.matchAST(AST);
    HandlerFanout Fanout(Checks);
    TUAnalysis TU(AST, Ctx.model(), Fanout);
    TU.analyzeAll();
    for (const FunctionDecl *FD : TU.gaveUp())
      Ctx.gaveUp(FD);
    for (auto &C : Checks)
      C->afterLockAnalysis(TU);
    Ctx.setAST(nullptr);
  }

private:
  CheckContext Ctx;
  ConfigUse *Use;
  std::vector<std::unique_ptr<Check>> Checks;
};

} // namespace

std::unique_ptr<ASTConsumer> makeAnalysisConsumer(CompilerInstance &CI,
                                                  const Config &Cfg,
                                                  CheckEnabled Enabled,
                                                  std::vector<Finding> &Out,
                                                  ConfigUse *Use,
                                                  std::vector<GaveUpFunction> *GaveUp) {
  return std::make_unique<AnalysisConsumer>(Cfg, std::move(Enabled), Out, Use,
                                            GaveUp);
}

} // namespace lockstep
