//===- LockPathTest.cpp - Unit tests of lock identity ---------------------===//
#include "lockstep/analyzer/LockPath.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <map>

using namespace clang;
using namespace lockstep;

namespace {

/// The object of every `X.lock()` call, by enclosing function name, in order.
struct Calls : RecursiveASTVisitor<Calls> {
  std::map<std::string, std::vector<std::pair<const Expr *, const FunctionDecl *>>> ByFn;
  const FunctionDecl *Cur = nullptr;
  bool TraverseFunctionDecl(FunctionDecl *FD) {
    Cur = FD;
    return RecursiveASTVisitor::TraverseFunctionDecl(FD);
  }
  bool TraverseCXXMethodDecl(CXXMethodDecl *FD) {
    Cur = FD;
    return RecursiveASTVisitor::TraverseCXXMethodDecl(FD);
  }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *E) {
    if (E->getMethodDecl() && E->getMethodDecl()->getName() == "lock")
      ByFn[Cur->getNameAsString()].push_back(
          {E->getImplicitObjectArgument(), Cur});
    return true;
  }
};

class LockPathTest : public ::testing::Test {
protected:
  void parse(const std::string &Code) {
    AST = tooling::buildASTFromCodeWithArgs(
        "struct M { void lock(); };\n" + Code, {"-std=c++17"});
    ASSERT_TRUE(AST);
    C.TraverseDecl(AST->getASTContext().getTranslationUnitDecl());
  }
  LockPath path(const std::string &Fn, unsigned I) {
    auto &V = C.ByFn[Fn];
    EXPECT_LT(I, V.size());
    auto P = LockPath::fromExpr(V[I].first, V[I].second);
    EXPECT_TRUE(P.has_value()) << Fn << " #" << I;
    return P ? *P : LockPath();
  }
  std::unique_ptr<ASTUnit> AST;
  Calls C;
};

TEST_F(LockPathTest, SameMemberSameLockDifferentObjectsDifferentLocks) {
  parse(R"cpp(
struct S {
  M mu_;
  void f() { this->mu_.lock(); }
  void g() { mu_.lock(); }
};
struct Pair { M mu; };
void h(Pair &a, Pair &b, Pair *q) { a.mu.lock(); b.mu.lock(); q->mu.lock(); }
)cpp");
  EXPECT_EQ(path("f", 0).key(), path("g", 0).key());
  EXPECT_EQ(path("g", 0).name(), "mu_");
  LockPath A = path("h", 0), B = path("h", 1), Q = path("h", 2);
  EXPECT_NE(A.key(), B.key());
  EXPECT_EQ(A.Kind, LockPath::RootKind::Param);
  EXPECT_EQ(Q.ParamIndex, 2u);
  EXPECT_EQ(Q.name(), "q->mu");
  // In the lock-order graph a member is "the same member of the same class".
  EXPECT_EQ(A.orderKey(), B.orderKey());
  EXPECT_FALSE(A.orderKey().empty());
}

TEST_F(LockPathTest, GlobalsArraysAndReferences) {
  parse(R"cpp(
M g;
M arr[4];
struct S { static M s; };
void f(int i) {
  g.lock();
  arr[1].lock();
  arr[i].lock();
  M &r = g;
  r.lock();
  S::s.lock();
  S x;
  x.s.lock();
}
)cpp");
  LockPath G = path("f", 0);
  EXPECT_EQ(G.Kind, LockPath::RootKind::Global);
  EXPECT_EQ(path("f", 1).name(), "arr[1]");
  EXPECT_FALSE(path("f", 1).Imprecise);
  EXPECT_TRUE(path("f", 2).Imprecise);
  EXPECT_TRUE(path("f", 2).orderKey().empty());
  EXPECT_EQ(path("f", 3).key(), G.key()); // the reference names g
  EXPECT_EQ(path("f", 4).key(), path("f", 5).key()); // static member
}

TEST_F(LockPathTest, SubstitutionMapsCalleeToCaller) {
  parse(R"cpp(
struct Q { M mu; };
struct S {
  M mu_;
  Q *q_;
  void callee(Q &p) { mu_.lock(); p.mu.lock(); }
};
void caller(S &s, Q &x) { s.mu_.lock(); x.mu.lock(); }
)cpp");
  LockPath InThis = path("callee", 0), InParam = path("callee", 1);
  std::optional<LockPath> Obj = path("caller", 0);
  Obj->Steps.clear(); // the object `s`
  std::optional<LockPath> Arg = path("caller", 1);
  Arg->Steps.clear(); // the argument `x`
  auto Mapped = InThis.substitute(Obj, {Arg});
  ASSERT_TRUE(Mapped);
  EXPECT_EQ(Mapped->key(), path("caller", 0).key());
  auto Mapped2 = InParam.substitute(Obj, {Arg});
  ASSERT_TRUE(Mapped2);
  EXPECT_EQ(Mapped2->key(), path("caller", 1).key());
  EXPECT_FALSE(InParam.substitute(Obj, {}).has_value()); // unknown argument
}

} // namespace
