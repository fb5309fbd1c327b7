//===- Check.cpp - Check base class, finding construction and registry ----===//
#include "lockstep/analyzer/Check.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace clang;

namespace lockstep {

Check::~Check() = default;

static std::string absolutePath(const SourceManager &SM, FileID FID) {
  const FileEntry *FE = SM.getFileEntryForID(FID);
  if (!FE)
    return "";
  llvm::StringRef Real = FE->tryGetRealPathName();
  if (!Real.empty())
    return Real.str();
  llvm::SmallString<256> P(FE->getName());
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P.str());
}

SourcePoint CheckContext::point(SourceLocation Loc) const {
  SourcePoint P;
  if (!AST || Loc.isInvalid())
    return P;
  const SourceManager &SM = AST->getSourceManager();
  SourceLocation FL = SM.getFileLoc(Loc);
  P.File = absolutePath(SM, SM.getFileID(FL));
  P.Line = SM.getSpellingLineNumber(FL);
  P.Column = SM.getSpellingColumnNumber(FL);
  return P;
}

bool CheckContext::ignored(SourceLocation Loc) const {
  if (!AST || Loc.isInvalid())
    return true;
  const SourceManager &SM = AST->getSourceManager();
  return SM.isInSystemHeader(SM.getFileLoc(Loc));
}

void CheckContext::emit(Finding F) {
  if (F.Where.File.empty())
    return;
  for (const Finding &G : Out)
    if (G.CheckId == F.CheckId && G.Where == F.Where && G.Message == F.Message)
      return;
  Out.push_back(std::move(F));
}

void CheckContext::gaveUp(const FunctionDecl *FD) {
  if (!GaveUp || !FD)
    return;
  GaveUpFunction G;
  G.Where = point(FD->getLocation());
  G.Name = FD->getQualifiedNameAsString();
  if (G.Where.File.empty() || ignored(FD->getLocation()))
    return;
  for (const GaveUpFunction &H : *GaveUp)
    if (H.Where == G.Where && H.Name == G.Name)
      return;
  GaveUp->push_back(std::move(G));
}

Finding Check::diag(SourceLocation Loc, std::string Message) const {
  Finding F;
  F.CheckId = Id;
  F.Level = Severity::Warning;
  F.Message = std::move(Message);
  if (!Ctx.ignored(Loc))
    F.Where = Ctx.point(Loc);
  return F;
}

void Check::note(Finding &F, SourceLocation Loc, std::string Message) const {
  if (Loc.isInvalid())
    return;
  F.Notes.push_back({Ctx.point(Loc), std::move(Message)});
}

void CheckFactories::registerCheck(CheckInfo Info, CheckFactory Make) {
  Entries.push_back({std::move(Info), std::move(Make)});
}

const CheckFactories &checkFactories() {
  static const CheckFactories All = [] {
    CheckFactories F;
    registerBarriersChecks(F);
    registerCondvarsChecks(F);
    registerCoroutinesChecks(F);
    registerLocksChecks(F);
    registerSemaphoresChecks(F);
    CheckFactories Sorted;
    std::vector<CheckFactories::Entry> E = F.entries();
    std::sort(E.begin(), E.end(), [](const auto &A, const auto &B) {
      return A.Info.Id < B.Info.Id;
    });
    for (auto &X : E)
      Sorted.registerCheck(X.Info, X.Make);
    return Sorted;
  }();
  return All;
}

const std::vector<CheckInfo> &allChecks() {
  static const std::vector<CheckInfo> Infos = [] {
    std::vector<CheckInfo> R;
    for (const auto &E : checkFactories().entries())
      R.push_back(E.Info);
    return R;
  }();
  return Infos;
}

void Check::matchFunctionBodies(ast_matchers::MatchFinder &Finder) {
  using namespace ast_matchers;
  Finder.addMatcher(
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()))
          .bind("function-body"),
      this);
  Finder.addMatcher(
      lambdaExpr(unless(isExpansionInSystemHeader())).bind("lambda-body"),
      this);
}

Check::FunctionBody
Check::matchedBody(const ast_matchers::MatchFinder::MatchResult &Result) {
  const FunctionDecl *FD = nullptr;
  const Stmt *Body = nullptr;
  if (const auto *F = Result.Nodes.getNodeAs<FunctionDecl>("function-body")) {
    if (F->hasBody() && F->isThisDeclarationADefinition()) {
      FD = F;
      Body = F->getBody();
    }
  } else if (const auto *L =
                 Result.Nodes.getNodeAs<LambdaExpr>("lambda-body")) {
    FD = L->getCallOperator();
    Body = L->getBody();
  }
  if (!FD || !Body || FD->isDependentContext() || FD->isInvalidDecl())
    return {};
  return {FD, Body};
}

} // namespace lockstep
