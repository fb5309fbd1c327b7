//===- UnnamedGuardCheck.cpp - lock-unnamed-guard -------------------------===//
#include "UnnamedGuardCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void UnnamedGuardCheck::registerMatchers(MatchFinder &Finder) {
  // A full expression used as a statement of a block.
  Finder.addMatcher(
      expr(hasParent(compoundStmt()), unless(isExpansionInSystemHeader()))
          .bind("stmt"),
      this);
  // A local variable of a guard type (filtered in check()).
  Finder.addMatcher(
      varDecl(hasLocalStorage(), unless(parmVarDecl()),
              unless(isExpansionInSystemHeader()))
          .bind("var"),
      this);
}

static const CXXConstructExpr *guardTemporary(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *W = dyn_cast<ExprWithCleanups>(E))
      E = W->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr();
    else if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr();
    else if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      E = F->getSubExpr();
    else if (const auto *C = dyn_cast<ExplicitCastExpr>(E);
             C && C->getType()->isVoidType())
      E = C->getSubExpr(); // (void)std::lock_guard<std::mutex>(m);
    else
      break;
  }
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(E);
  if (CE && LockModel::isGuardType(CE->getType()))
    return CE;
  return nullptr;
}

static std::string typeName(QualType T, const ASTContext &Ctx) {
  PrintingPolicy PP(Ctx.getLangOpts());
  PP.SuppressTagKeyword = true;
  return T.getUnqualifiedType().getAsString(PP);
}

void UnnamedGuardCheck::check(const MatchFinder::MatchResult &Result) {
  const ASTContext &Ctx = *Result.Context;
  const LockModel &Model = context().model();
  if (const auto *E = Result.Nodes.getNodeAs<Expr>("stmt")) {
    const CXXConstructExpr *CE = guardTemporary(E);
    if (!CE) {
      // `Lock();` where Lock() returns a guard: it is destroyed at once.
      const Expr *X = E;
      while (X) {
        X = X->IgnoreParenImpCasts();
        if (const auto *W = dyn_cast<ExprWithCleanups>(X))
          X = W->getSubExpr();
        else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(X))
          X = B->getSubExpr();
        else if (const auto *C = dyn_cast<ExplicitCastExpr>(X);
                 C && C->getType()->isVoidType())
          X = C->getSubExpr();
        else
          break;
      }
      const auto *Call = dyn_cast_or_null<CallExpr>(X);
      // A call in uninstantiated template code may have no function type
      // (an undeduced `auto *`, a function object, a builtin): its callee's
      // declaration, not the call's type, says what it returns.
      const FunctionDecl *Callee =
          Call && !Call->isTypeDependent() ? Call->getDirectCallee() : nullptr;
      // Only a guard returned by value; `lk = ...` returns a reference.
      if (Callee && !isa<CXXOperatorCallExpr>(Call) &&
          !Callee->getReturnType()->isReferenceType() &&
          LockModel::isGuardType(Call->getType()))
        emit(diag(Call->getBeginLoc(),
                  "the guard returned by '" +
                      Callee->getQualifiedNameAsString() +
                      "' is discarded, so the mutex is unlocked again at the "
                      "end of this statement; keep the guard in a variable"));
      return;
    }
    Operation Op = Model.classify(CE, const_cast<ASTContext &>(Ctx));
    std::string Type = typeName(CE->getType(), Ctx);
    if (Op.K == Operation::Kind::GuardMoveCtor)
      return;
    if (Op.Locks.empty() && Op.CalleeLocks.empty()) {
      emit(diag(CE->getBeginLoc(), "temporary '" + Type +
                                       "' locks no mutex; name the guard "
                                       "and pass it the mutex to lock"));
      return;
    }
    std::string What;
    if (!Op.Locks.empty()) {
      const SourceManager &SM = Ctx.getSourceManager();
      What = " '" +
             Lexer::getSourceText(CharSourceRange::getTokenRange(
                                      Op.Locks.front()->getSourceRange()),
                                  SM, Ctx.getLangOpts())
                 .str() +
             "'";
      if (What == " ''")
        What = "";
    }
    emit(diag(CE->getBeginLoc(),
              "temporary '" + Type + "' locks" + What +
                  " and unlocks it again at the end of this statement; "
                  "give the guard a name so that it lives to the end of "
                  "the scope"));
    return;
  }
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("var");
  if (!VD || !LockModel::isGuardType(VD->getType()))
    return;
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
      VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
  if (!CE)
    return;
  unsigned Args = 0;
  for (const Expr *A : CE->arguments())
    if (!isa<CXXDefaultArgExpr>(A))
      ++Args;
  if (Args != 0)
    return;
  std::string Type = typeName(VD->getType(), Ctx);
  const SourceManager &SM = Ctx.getSourceManager();
  // `std::unique_lock<std::mutex>(m);` is a declaration of a guard named m
  // with its declarator in parentheses: the character before the name is
  // '(' once blanks are skipped.
  SourceLocation NameLoc = SM.getFileLoc(VD->getLocation());
  bool Invalid = false;
  const char *Data = SM.getCharacterData(NameLoc, &Invalid);
  const char *Start =
      SM.getCharacterData(SM.getLocForStartOfFile(SM.getFileID(NameLoc)));
  bool Paren = false;
  if (!Invalid && Data && Start) {
    const char *P = Data;
    while (P > Start && (P[-1] == ' ' || P[-1] == '\t'))
      --P;
    Paren = P > Start && P[-1] == '(';
  }
  if (Paren) {
    emit(diag(VD->getLocation(),
              "this declares a new variable '" + VD->getName().str() +
                  "' of type '" + Type +
                  "' that locks nothing; it does not lock an existing '" +
                  VD->getName().str() + "'"));
    return;
  }
  // A scoped_lock or scoped_lockable guard built from no mutex at all.
  llvm::StringRef N = stdRecordName(VD->getType()->getAsCXXRecordDecl());
  if (N == "scoped_lock" || N == "lock_guard")
    emit(diag(VD->getLocation(), "'" + VD->getName().str() + "' of type '" +
                                     Type + "' locks no mutex"));
}

} // namespace lockstep
