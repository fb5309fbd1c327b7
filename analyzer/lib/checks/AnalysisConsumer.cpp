//===- AnalysisConsumer.cpp - Running the enabled checks over one TU ------===//
//
// makeAnalysisConsumer(): instantiate the enabled checks, run the AST
// matchers of the AST checks, then the lock-set dataflow with every flow
// check listening, when the translation unit has been parsed.
//
//===----------------------------------------------------------------------===//
#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Check.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
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
  void handleLockOrder(const std::vector<OrderEdge> &Edges,
                       ASTContext &Ctx) override {
    for (auto &C : Checks)
      C->handleLockOrder(Edges, Ctx);
  }

private:
  std::vector<std::unique_ptr<Check>> &Checks;
};

class AnalysisConsumer : public ASTConsumer {
public:
  AnalysisConsumer(const Config &Cfg, CheckEnabled Enabled,
                   std::vector<Finding> &Out)
      : Ctx(Cfg, Out) {
    for (const auto &E : checkFactories().entries())
      if (!Enabled || Enabled(E.Info.Id))
        Checks.push_back(E.Make(Ctx));
  }

  void HandleTranslationUnit(ASTContext &AST) override {
    // A translation unit that did not compile has a partial AST; the driver
    // reports the compiler's errors instead.
    if (AST.getDiagnostics().hasUncompilableErrorOccurred() || Checks.empty())
      return;
    Ctx.setAST(&AST);
    ast_matchers::MatchFinder Finder;
    for (auto &C : Checks)
      C->registerMatchers(Finder);
    Finder.matchAST(AST);
    HandlerFanout Fanout(Checks);
    TUAnalysis TU(AST, Ctx.model(), Fanout);
    TU.analyzeAll();
    Ctx.setAST(nullptr);
  }

private:
  CheckContext Ctx;
  std::vector<std::unique_ptr<Check>> Checks;
};

} // namespace

std::unique_ptr<ASTConsumer> makeAnalysisConsumer(CompilerInstance &CI,
                                                  const Config &Cfg,
                                                  CheckEnabled Enabled,
                                                  std::vector<Finding> &Out) {
  return std::make_unique<AnalysisConsumer>(Cfg, std::move(Enabled), Out);
}

} // namespace lockstep
