//===- FlowEngineTest.cpp - The generic flow engine on small domains ------===//
#include "lockstep/analyzer/FlowEngine.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <climits>

using namespace clang;
using namespace lockstep;

namespace {

struct Parsed {
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<CFG> Cfg;
};

/// The CFG of the function `f` in \p Code.
Parsed cfgOf(const std::string &Code) {
  Parsed P;
  P.AST = tooling::buildASTFromCodeWithArgs(Code, {"-std=c++17"});
  ASTContext &Ctx = P.AST->getASTContext();
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (auto *FD = dyn_cast<FunctionDecl>(D))
      if (FD->getName() == "f" && FD->hasBody()) {
        CFG::BuildOptions BO;
        P.Cfg = CFG::buildCFG(FD, FD->getBody(), &Ctx, BO);
      }
  return P;
}

/// Counts the blocks a path went through; join keeps the larger count.
/// Around a loop the count grows forever unless widened.
struct CountDomain {
  using State = int;
  bool Widen = false;
  bool OnlyTrueEdges = false;
  int join(int A, int B) const { return std::max(A, B); }
  void transfer(const CFGBlock &B, int In, FlowPhase Phase,
                std::vector<std::optional<int>> &Out) {
    if (Phase == FlowPhase::Report)
      ++Reported;
    for (unsigned I = 0; I < Out.size(); ++I)
      if (!(OnlyTrueEdges && I > 0))
        Out[I] = In == INT_MAX ? In : In + 1;
  }
  unsigned Reported = 0;
};

struct WideningDomain : CountDomain {
  int widen(int Old, int New) const { return New > Old ? INT_MAX : Old; }
};

const char *const Loop = "int g(); void f() { int i = 0; while (g()) ++i; }";

TEST(FlowEngineTest, StraightLineSettlesAndReportsEachBlockOnce) {
  Parsed P = cfgOf("int g(); void f() { if (g()) g(); else g(); g(); }");
  ASSERT_TRUE(P.Cfg);
  CountDomain D;
  FlowEngine<CountDomain> E(*P.Cfg, D);
  EXPECT_EQ(E.run(0), FlowOutcome::Settled);
  E.report();
  EXPECT_EQ(D.Reported, E.order().size());
  ASSERT_TRUE(E.in(P.Cfg->getExit()));
}

TEST(FlowEngineTest, GrowingLoopGivesUpVisiblyWithoutWidening) {
  Parsed P = cfgOf(Loop);
  ASSERT_TRUE(P.Cfg);
  CountDomain D;
  FlowOptions O;
  O.MaxRounds = 7;
  FlowEngine<CountDomain> E(*P.Cfg, D, O);
  EXPECT_EQ(E.run(0), FlowOutcome::GaveUp);
  EXPECT_EQ(E.rounds(), 7u);
}

TEST(FlowEngineTest, WideningAtTheLoopHeadReachesAFixedPoint) {
  Parsed P = cfgOf(Loop);
  ASSERT_TRUE(P.Cfg);
  WideningDomain D;
  FlowEngine<WideningDomain> E(*P.Cfg, D);
  EXPECT_EQ(E.run(0), FlowOutcome::Settled);
  EXPECT_EQ(*E.in(P.Cfg->getExit()), INT_MAX);
}

TEST(FlowEngineTest, AnEmptyEdgeLeavesItsTargetUnreached) {
  Parsed P = cfgOf("int g(); void f() { if (g()) { g(); } else { g(); g(); } }");
  ASSERT_TRUE(P.Cfg);
  CountDomain D;
  D.OnlyTrueEdges = true;
  FlowEngine<CountDomain> E(*P.Cfg, D);
  EXPECT_EQ(E.run(0), FlowOutcome::Settled);
  unsigned Unreached = 0;
  for (const CFGBlock *B : E.order())
    Unreached += !E.in(*B);
  EXPECT_EQ(Unreached, 1u); // the else branch
}

TEST(FlowEngineTest, NoReturnBlocksDoNotReachTheExit) {
  Parsed P = cfgOf("[[noreturn]] void die(); int g();"
                   "void f() { if (g()) die(); }");
  ASSERT_TRUE(P.Cfg);
  CountDomain D;
  FlowEngine<CountDomain> E(*P.Cfg, D);
  ASSERT_EQ(E.run(0), FlowOutcome::Settled);
  // Entry -> condition -> exit: the path through die() would be longer.
  int Direct = *E.in(P.Cfg->getExit());
  FlowOptions O;
  O.SkipNoReturnIntoExit = false;
  FlowEngine<CountDomain> All(*P.Cfg, D, O);
  ASSERT_EQ(All.run(0), FlowOutcome::Settled);
  EXPECT_LT(Direct, *All.in(P.Cfg->getExit()));
}

} // namespace
