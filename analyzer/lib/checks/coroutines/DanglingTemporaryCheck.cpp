//===- DanglingTemporaryCheck.cpp - coro-dangling-temporary ---------------===//
//
// For each call whose argument materializes a temporary for a reference
// parameter (or a std::string_view / std::span made from a temporary owner,
// a std::string or std::vector), three questions, cheapest first:
//  1. is the callee a coroutine? Its definition is a coroutine body; or, when
//     no definition is visible, it returns a task type whose promise starts
//     suspended (a function defined elsewhere that returns a lazy task is
//     taken to be the coroutine). A visible definition that is not a
//     coroutine (a plain function returning a task) is not judged.
//  2. does the task outlive the full-expression (TaskFate, CoroutineModel.h)?
//  3. does the coroutine use that parameter where it may have suspended? (the
//     "suspended yet" domain over the callee's body; for a lazy callee whose
//     body is not visible every use is after the call has returned).
//
//===----------------------------------------------------------------------===//
#include "DanglingTemporaryCheck.h"
#include "lockstep/analyzer/CoroutineModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

/// An object whose destruction frees what a view of it points to.
bool isOwner(QualType T) {
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  return RD && RD->hasDefinition() && !RD->hasTrivialDestructor() &&
         !callerReferenceKind(T);
}

/// The temporary that argument \p Arg binds to a parameter of type \p ParamT:
/// for a reference, the temporary materialized for it; for a view taken by
/// value, the temporary owner (a std::string, a std::vector) it is made
/// from. Null when the argument refers to something that outlives the call
/// (a variable, a string literal, a reference a function returned).
const MaterializeTemporaryExpr *temporaryBoundTo(const Expr *Arg,
                                                 QualType ParamT) {
  if (const auto *D = dyn_cast<CXXDefaultArgExpr>(Arg))
    Arg = D->getExpr();
  if (ParamT->isReferenceType())
    return dyn_cast<MaterializeTemporaryExpr>(
        Arg->IgnoreImpCasts()->IgnoreParens());
  const Expr *E = Arg;
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParens();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E)) {
      if (isOwner(M->getType()))
        return M;
      E = M->getSubExpr(); // a temporary view: what does it view?
    } else if (const auto *C = dyn_cast<CastExpr>(E)) {
      E = C->getSubExpr();
    } else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = B->getSubExpr();
    } else if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      // A view made from one object: string_view(s), span(v).
      if (CE->getNumArgs() == 0 || !callerReferenceKind(CE->getType()))
        return nullptr;
      for (unsigned I = 1; I < CE->getNumArgs(); ++I)
        if (!isa<CXXDefaultArgExpr>(CE->getArg(I)))
          return nullptr;
      E = CE->getArg(0);
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      // `operator string_view()` of std::string.
      if (!isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl()))
        return nullptr;
      E = MC->getImplicitObjectArgument();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

/// The parameter declaration of \p FD an argument index of \p Call stands
/// for: a call of an overloaded operator that is a member passes the object
/// as its first argument.
unsigned firstParamArg(const CallExpr *Call, const FunctionDecl *FD) {
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  return isa<CXXOperatorCallExpr>(Call) && MD && MD->isInstance() ? 1 : 0;
}

} // namespace

void DanglingTemporaryCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(
      callExpr(unless(isExpansionInSystemHeader())).bind("call"), this);
}

void DanglingTemporaryCheck::check(const MatchFinder::MatchResult &Result) {
  analyze(Result.Nodes.getNodeAs<CallExpr>("call"));
}

const UsesAfterSuspension &
DanglingTemporaryCheck::usesOf(const FunctionDecl *Def) {
  auto It = Cache.find(Def);
  if (It != Cache.end())
    return It->second;
  UsesAfterSuspension U = usesAfterSuspension(
      Def, context().ast(), [&](const Stmt *S) -> const void * {
        const auto *DRE = dyn_cast<DeclRefExpr>(S);
        const auto *P =
            DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
        return P && callerReferenceKind(P->getType()) ? P : nullptr;
      });
  return Cache.try_emplace(Def, std::move(U)).first->second;
}

void DanglingTemporaryCheck::analyze(const CallExpr *Call) {
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || Call->isTypeDependent() ||
      context().ignored(Call->getBeginLoc()))
    return;
  ASTContext &Ctx = context().ast();
  unsigned Shift = firstParamArg(Call, Callee);
  struct Bound {
    unsigned Index;
    const char *Kind;
    const MaterializeTemporaryExpr *Temp;
  };
  llvm::SmallVector<Bound, 2> Temps;
  for (unsigned I = 0; I < Callee->getNumParams(); ++I) {
    QualType T = Callee->getParamDecl(I)->getType();
    const char *Kind = callerReferenceKind(T);
    if (!Kind || I + Shift >= Call->getNumArgs())
      continue;
    if (const MaterializeTemporaryExpr *M =
            temporaryBoundTo(Call->getArg(I + Shift), T))
      Temps.push_back({I, Kind, M});
  }
  if (Temps.empty())
    return;

  const FunctionDecl *Def = nullptr;
  bool Visible = Callee->hasBody(Def);
  if (Visible ? !isCoroutine(Def) : !returnsLazyTask(Callee, Ctx))
    return;
  TaskFate Fate = fateOfTask(Call, Ctx);
  if (!outlivesFullExpression(Fate, Call->getType()))
    return;
  const UsesAfterSuspension *Uses = Visible ? &usesOf(Def) : nullptr;
  if (Uses && Uses->GaveUp)
    return; // coro-reference-param tells that the callee was given up on

  const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
  std::string Of = MD && MD->getParent()->isLambda()
                       ? "a lambda coroutine"
                       : "coroutine '" + Callee->getNameAsString() + "'";
  for (const Bound &B : Temps) {
    const ParmVarDecl *P =
        Visible ? Def->getParamDecl(B.Index) : Callee->getParamDecl(B.Index);
    const SuspendedUse *Use = nullptr;
    if (Uses) {
      auto It = Uses->First.find(P);
      if (It == Uses->First.end())
        continue; // used only before the coroutine can suspend, or never
      Use = &It->second;
    }
    std::string Name =
        P->getIdentifier() ? "'" + P->getName().str() + "'" : "#" + std::to_string(B.Index + 1);
    // A reference names the temporary's type as written; a view, the
    // owner it views.
    QualType TempT = P->getType()->isReferenceType()
                         ? P->getType().getNonReferenceType()
                         : B.Temp->getType();
    std::string TempType =
        TempT.getUnqualifiedType().getAsString(Ctx.getPrintingPolicy());
    std::string Msg = "temporary '" + TempType + "' bound to " + B.Kind +
                      " parameter " + Name + " of " + Of +
                      " is destroyed at the end of the full-expression, "
                      "while the task outlives it and the coroutine ";
    Msg += Use ? "uses " + Name + " after it may have suspended"
               : "runs its body only after the call has returned (its "
                 "promise starts suspended)";
    Finding F = diag(B.Temp->getBeginLoc(), Msg);
    note(F, Fate.Loc, describeFate(Fate));
    if (Use) {
      note(F, Use->Use->getBeginLoc(),
           "the coroutine uses " + Name + " here");
      note(F, Use->At.Where, suspensionNote(Use->At));
    }
    note(F, P->getLocation(), "parameter " + Name + " declared here");
    emit(std::move(F));
  }
}

} // namespace lockstep
