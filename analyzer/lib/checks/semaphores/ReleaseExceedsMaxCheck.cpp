//===- ReleaseExceedsMaxCheck.cpp - sem-release-exceeds-max ---------------===//
//
// Two findings:
//  - release(n) on a std::counting_semaphore<Max> with a constant n > Max;
//  - a binary semaphore (counting_semaphore<1>) released twice on one path
//    of a function with nothing in between that could take the permit.
//
// The second is the "pending binary-semaphore releases" domain of the flow
// engine (FlowEngine.h), a forward may-analysis over the function's CFG.
//
// State: for each binary semaphore the function names directly (a local, a
// global or a member of `this`) that has been released since the last point
// where its permit may have been taken: by which releases, what the path
// assumed on its way (branches on locals and parameters the function never
// changes), and whether it went through a branch that cannot be followed.
// Join (a may-analysis): a release pending on some incoming path stays
// pending, as a release "on some path" is what matters; the releases are
// united, the assumptions intersected, the uncertainty or-ed. On the edges
// out of a branch on a followed variable, a pending release whose path
// assumed the opposite is dropped (so `if (a) s.release(); ... if (!a)
// s.release();` is one release per call), and a branch the path itself
// contradicts is not taken. A branch on anything else (a call, a member, a
// variable that changes) makes the pending releases uncertain, and an
// uncertain release is not reported: the path may be infeasible. A loop's
// own condition is not such a branch: a release in a loop with no acquire
// in it is reported when reached again around the loop.
// Everything that may let another thread take the permit clears the state:
// any acquire or try_acquire of any semaphore, any call that may block or
// synchronize (mutexes, atomics, condition variables, joins, unknown or
// virtual functions, functions whose bodies do any of this), and any call
// that is given a semaphore. Lambda bodies are analysed as functions of
// their own.
//
//===----------------------------------------------------------------------===//
#include "ReleaseExceedsMaxCheck.h"
#include "lockstep/analyzer/FlowEngine.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSwitch.h"
#include <functional>
#include <map>
#include <optional>

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {
namespace {

/// LeastMaxValue of a std::counting_semaphore (1 for binary_semaphore).
std::optional<std::int64_t> semaphoreMax(QualType T) {
  if (T.isNull())
    return std::nullopt;
  T = T.getNonReferenceType();
  const auto *RD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T->getAsCXXRecordDecl());
  if (!RD || stdRecordName(RD) != "counting_semaphore" ||
      RD->getTemplateArgs().size() < 1 ||
      RD->getTemplateArgs()[0].getKind() != TemplateArgument::Integral)
    return std::nullopt;
  return RD->getTemplateArgs()[0].getAsIntegral().getExtValue();
}

std::optional<std::int64_t> constantInt(const Expr *E, const ASTContext &Ctx) {
  Expr::EvalResult R;
  if (!E || E->isValueDependent() || !E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt().getExtValue();
}

/// The semaphore \p E names directly: a variable or a member of `this`.
const ValueDecl *semaphoreKey(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<VarDecl>(DRE->getDecl());
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      return dyn_cast<FieldDecl>(ME->getMemberDecl());
  return nullptr;
}

/// A release of a binary semaphore that adds one permit, with its key.
const ValueDecl *binaryRelease(const Stmt *S, const ASTContext &Ctx) {
  const auto *MC = dyn_cast<CXXMemberCallExpr>(S);
  if (!MC || !MC->getMethodDecl() || !MC->getMethodDecl()->getIdentifier() ||
      MC->getMethodDecl()->getName() != "release")
    return nullptr;
  const Expr *Obj = MC->getImplicitObjectArgument();
  std::optional<std::int64_t> Max = semaphoreMax(Obj->getType());
  if (!Max || *Max != 1)
    return nullptr;
  // release() or release(1); a count known only at run time may be 0.
  if (MC->getNumArgs() == 1 && !isa<CXXDefaultArgExpr>(MC->getArg(0))) {
    std::optional<std::int64_t> N = constantInt(MC->getArg(0), Ctx);
    if (!N || *N != 1)
      return nullptr;
  }
  return semaphoreKey(Obj);
}

bool mentionsBinaryRelease(const Stmt *S, const ASTContext &Ctx) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (binaryRelease(S, Ctx))
    return true;
  for (const Stmt *C : S->children())
    if (mentionsBinaryRelease(C, Ctx))
      return true;
  return false;
}

/// Standard classes whose operations block, synchronize, or run or destroy
/// what may do either (threads, callables).
bool isSyncClassName(llvm::StringRef N) {
  return N.startswith("atomic") || N.startswith("__atomic") ||
         N.endswith("mutex") || N.startswith("condition_variable") ||
         llvm::StringSwitch<bool>(N)
             .Cases("thread", "jthread", "future", "shared_future", "promise",
                    "packaged_task", true)
             .Cases("latch", "barrier", "counting_semaphore", "unique_lock",
                    "lock_guard", "scoped_lock", "shared_lock", true)
             .Cases("stop_source", "stop_token", "stop_callback", "function",
                    "move_only_function", "once_flag", true)
             .Default(false);
}

/// Whether \p T is, holds or refers to such a class (a vector of threads
/// joins them when cleared; a unique_ptr to a mutex ...).
bool involvesSync(QualType T, unsigned Depth = 0) {
  if (T.isNull() || Depth > 4)
    return false;
  T = T.getNonReferenceType();
  while (T->isPointerType() || T->isArrayType())
    T = T->isPointerType() ? T->getPointeeType()
                           : QualType(T->getArrayElementTypeNoTypeQual(), 0);
  if (T->isFunctionType())
    return true;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  if (RD->isLambda())
    return true;
  if (isSyncClassName(stdRecordName(RD)))
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    for (const TemplateArgument &A : Spec->getTemplateArgs().asArray())
      if (A.getKind() == TemplateArgument::Type &&
          involvesSync(A.getAsType(), Depth + 1))
        return true;
  return false;
}

/// In namespace std, or libstdc++'s __gnu_cxx (its iterators).
bool inStd(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (DC->isStdNamespace())
      return true;
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      if (NS->getIdentifier() && NS->getName() == "__gnu_cxx")
        return true;
  }
  return false;
}

/// Branch conditions assumed on a path: a local or parameter the function
/// never changes, and the value its test had.
using Assumptions = std::map<const VarDecl *, bool>;

Assumptions intersect(const Assumptions &A, const Assumptions &B) {
  Assumptions R;
  for (const auto &[V, X] : A) {
    auto It = B.find(V);
    if (It != B.end() && It->second == X)
      R[V] = X;
  }
  return R;
}

/// A semaphore released with no acquire since: see the file comment.
struct Pending {
  llvm::SmallVector<const Stmt *, 2> Releases;
  /// What the path assumed from the function's start to here (for the
  /// paths through one of Releases): a later branch that contradicts it is
  /// not taken with this release pending.
  Assumptions Assumed;
  /// A branch on a condition that cannot be followed (a call, a member, a
  /// variable that changes) was taken since the release: the rest of the
  /// path may be infeasible, so a second release is not reported.
  bool Uncertain = false;
  bool operator==(const Pending &O) const {
    return Releases == O.Releases && Assumed == O.Assumed &&
           Uncertain == O.Uncertain;
  }
};

/// The state of a path: the pending releases and what the path assumed.
/// Join (see join() below): a may-analysis, as a second release "on some
/// path" is the bug; releases united, assumptions intersected, uncertainty
/// or-ed.
struct State {
  std::map<const ValueDecl *, Pending> Facts;
  Assumptions Assumed;
  bool operator==(const State &O) const {
    return Facts == O.Facts && Assumed == O.Assumed;
  }
};

/// The join of two paths: a release pending on either stays pending (on
/// the paths where it happened, which are the ones that matter); what both
/// assume is kept.
State join(const State &A, const State &B) {
  State R;
  R.Assumed = intersect(A.Assumed, B.Assumed);
  R.Facts = A.Facts;
  for (const auto &[K, P] : B.Facts) {
    auto It = R.Facts.find(K);
    if (It == R.Facts.end()) {
      R.Facts[K] = P;
      continue;
    }
    Pending &Q = It->second;
    for (const Stmt *S : P.Releases)
      if (!llvm::is_contained(Q.Releases, S) && Q.Releases.size() < 8)
        Q.Releases.push_back(S);
    Q.Assumed = intersect(Q.Assumed, P.Assumed);
    Q.Uncertain = Q.Uncertain || P.Uncertain;
  }
  return R;
}

/// The locals and parameters of scalar type that \p S only reads.
void readOnlyVars(const Stmt *S, const Stmt *Parent,
                  llvm::DenseMap<const VarDecl *, bool> &Changed) {
  if (!S)
    return;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(Parent);
      bool Read = Cast && Cast->getCastKind() == CK_LValueToRValue;
      Changed[VD] = Changed.lookup(VD) || !Read;
    }
  for (const Stmt *C : S->children())
    readOnlyVars(C, S, Changed);
}

bool mentionsSemaphore(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *E = dyn_cast<Expr>(S))
    if (semaphoreMax(E->getType()) ||
        (E->getType()->isPointerType() &&
         semaphoreMax(E->getType()->getPointeeType())))
      return true;
  for (const Stmt *C : S->children())
    if (mentionsSemaphore(C))
      return true;
  return false;
}

} // namespace

void ReleaseExceedsMaxCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(cxxMemberCallExpr(unless(isExpansionInSystemHeader()),
                                      callee(cxxMethodDecl(hasName("release"))))
                        .bind("release"),
                    this);
  matchFunctionBodies(Finder);
}

void ReleaseExceedsMaxCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  if (const auto *Call = Result.Nodes.getNodeAs<CXXMemberCallExpr>("release"))
    checkConstantRelease(Call, Ctx);
  if (FunctionBody F = matchedBody(Result); F.Function)
    checkDoubleRelease(F.Function, F.Body, Ctx);
}

void ReleaseExceedsMaxCheck::checkConstantRelease(const CXXMemberCallExpr *Call,
                                                  ASTContext &Ctx) {
  if (Call->getNumArgs() != 1 || isa<CXXDefaultArgExpr>(Call->getArg(0)))
    return;
  const Expr *Obj = Call->getImplicitObjectArgument();
  std::optional<std::int64_t> Max = semaphoreMax(Obj->getType());
  std::optional<std::int64_t> N = constantInt(Call->getArg(0), Ctx);
  if (!Max || !N || *N <= *Max)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  std::string Name = Lexer::getSourceText(
                         CharSourceRange::getTokenRange(Obj->getSourceRange()),
                         SM, Ctx.getLangOpts())
                         .str();
  emit(diag(Call->getBeginLoc(),
            "'release(" + std::to_string(*N) + ")' on semaphore '" + Name +
                "' adds more permits than its maximum of " +
                std::to_string(*Max) +
                " (LeastMaxValue of its counting_semaphore type): undefined "
                "behaviour"));
}

bool ReleaseExceedsMaxCheck::harmless(const FunctionDecl *FD, unsigned Depth) {
  if (!FD)
    return false;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->isVirtual() && !MD->hasAttr<FinalAttr>() &&
        !MD->getParent()->hasAttr<FinalAttr>())
      return false;
  llvm::StringRef Name = FD->getIdentifier() ? FD->getName() : "";
  if (inStd(FD)) {
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
      if (involvesSync(QualType(MD->getParent()->getTypeForDecl(), 0)))
        return false;
    for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent())
      if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
        if (NS->getIdentifier() && NS->getName() == "this_thread")
          return false;
    for (const ParmVarDecl *P : FD->parameters())
      if (involvesSync(P->getType()) ||
          P->getType().getNonReferenceType()->isTemplateTypeParmType())
        return false;
    return !Name.startswith("atomic") &&
           !llvm::StringSwitch<bool>(Name)
                .Cases("lock", "try_lock", "call_once", "async", "invoke",
                       "apply", "kill_dependency", true)
                .Default(false);
  }
  if (FD->getBuiltinID())
    return llvm::StringSwitch<bool>(Name)
        .Cases("__builtin_expect", "__builtin_memcpy", "__builtin_memset",
               "__builtin_strlen", "__builtin_addressof", true)
        .Cases("memcpy", "memset", "strlen", "memcmp", "printf", true)
        .Default(false);
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def) || !Def || Depth > 3 ||
      context().ast().getSourceManager().isInSystemHeader(Def->getLocation()))
    return FD->getDeclContext()->getRedeclContext()->isTranslationUnit() &&
           llvm::StringSwitch<bool>(Name)
               .Cases("printf", "fprintf", "sprintf", "snprintf", "puts",
                      "fputs", "putchar", "fputc", "fwrite", true)
               .Cases("malloc", "calloc", "realloc", "free", "memcpy",
                      "memmove", "memset", "memcmp", true)
               .Cases("strlen", "strcmp", "strncmp", "strcpy", "strncpy",
                      "strcat", "abs", "labs", true)
               .Default(false);
  auto It = Harmless.find(Def);
  if (It != Harmless.end())
    return It->second;
  Harmless[Def] = false; // recursion: not known to be harmless
  bool OK = true;
  std::function<void(const Stmt *)> Scan = [&](const Stmt *S) {
    if (!S || !OK || isa<LambdaExpr>(S))
      return;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      if (!harmless(CE->getDirectCallee(), Depth + 1))
        OK = false;
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
        if (involvesSync(MC->getImplicitObjectArgument()->getType()))
          OK = false;
    } else if (const auto *CC = dyn_cast<CXXConstructExpr>(S)) {
      if (involvesSync(CC->getType()) ||
          (!CC->getConstructor()->isTrivial() &&
           !harmless(CC->getConstructor(), Depth + 1)))
        OK = false;
    } else if (isa<CXXDeleteExpr>(S) || isa<CXXThrowExpr>(S)) {
      OK = false;
    }
    for (const Stmt *C : S->children())
      Scan(C);
  };
  Scan(Def->getBody());
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
    for (const CXXCtorInitializer *I : Ctor->inits())
      Scan(I->getInit());
  Harmless[Def] = OK;
  return OK;
}

void ReleaseExceedsMaxCheck::checkDoubleRelease(const FunctionDecl *FD,
                                                const Stmt *Body,
                                                ASTContext &Ctx) {
  if (!mentionsBinaryRelease(Body, Ctx))
    return;
  CFG::BuildOptions BO;
  BO.AddImplicitDtors = true;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg = CFG::buildCFG(FD, const_cast<Stmt *>(Body), &Ctx, BO);
  if (!Cfg)
    return;

  // The transfer function of one element; reports when Report is set.
  auto Step = [&](const CFGElement &E, State &S, bool Report) {
    if (auto D = E.getAs<CFGImplicitDtor>()) {
      const CXXDestructorDecl *Dtor = D->getDestructorDecl(Ctx);
      QualType T;
      if (auto A = E.getAs<CFGAutomaticObjDtor>())
        T = A->getVarDecl()->getType();
      if (Dtor && !Dtor->isTrivial() &&
          (involvesSync(T) || !harmless(Dtor, 0)))
        S.Facts.clear();
      return;
    }
    auto CS = E.getAs<CFGStmt>();
    if (!CS)
      return;
    const Stmt *St = CS->getStmt();
    if (const auto *DS = dyn_cast<DeclStmt>(St)) {
      // A binary semaphore created full: its first release is one too many.
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D)) {
          std::optional<std::int64_t> Max = semaphoreMax(VD->getType());
          const auto *Init = dyn_cast_or_null<CXXConstructExpr>(
              VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
          if (Max && *Max == 1 && Init && Init->getNumArgs() == 1)
            if (std::optional<std::int64_t> N = constantInt(Init->getArg(0), Ctx);
                N && *N >= 1)
              S.Facts[VD] = Pending{{DS}, S.Assumed, false};
        }
      return;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(St)) {
      const Expr *Obj = MC->getImplicitObjectArgument();
      if (semaphoreMax(Obj->getType()) && MC->getMethodDecl() &&
          MC->getMethodDecl()->getIdentifier()) {
        llvm::StringRef N = MC->getMethodDecl()->getName();
        if (N == "max")
          return;
        if (N != "release") {
          S.Facts.clear(); // acquire, try_acquire...: any permit may be taken
          return;
        }
        const ValueDecl *Key = binaryRelease(MC, Ctx);
        if (!Key)
          return; // a semaphore that is not binary, or named indirectly
        auto It = S.Facts.find(Key);
        if (Report && It != S.Facts.end() && !It->second.Uncertain) {
          const Stmt *Prev = It->second.Releases.front();
          for (const Stmt *R : It->second.Releases)
            if (R != MC) {
              Prev = R;
              break;
            }
          std::string Name = Key->getName().str();
          std::string Over = ": its count would exceed its maximum of 1 "
                             "(undefined behaviour)";
          Finding F =
              isa<DeclStmt>(Prev)
                  ? diag(MC->getBeginLoc(),
                         "binary semaphore '" + Name +
                             "' is created full and released with no "
                             "acquire before" + Over)
              : Prev == MC
                  ? diag(MC->getBeginLoc(),
                         "binary semaphore '" + Name +
                             "' is released on every iteration of a loop "
                             "that never acquires it" + Over)
                  : diag(MC->getBeginLoc(),
                         "binary semaphore '" + Name +
                             "' is released again with no acquire since "
                             "its last release" + Over);
          note(F, Prev->getBeginLoc(),
               isa<DeclStmt>(Prev)
                   ? "'" + Name + "' is created with a count of 1 here"
               : Prev == MC ? "'" + Name +
                                  "' was released here on the previous "
                                  "iteration"
                            : "'" + Name + "' was released here");
          emit(std::move(F));
        }
        S.Facts[Key] = Pending{{MC}, S.Assumed, false};
        return;
      }
    }
    if (const auto *CE = dyn_cast<CallExpr>(St)) {
      bool OK = harmless(CE->getDirectCallee(), 0);
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
        OK = OK && !involvesSync(MC->getImplicitObjectArgument()->getType());
      for (const Expr *A : CE->arguments())
        OK = OK && !mentionsSemaphore(A);
      if (!OK)
        S.Facts.clear();
      return;
    }
    if (const auto *CC = dyn_cast<CXXConstructExpr>(St)) {
      bool OK = !involvesSync(CC->getType()) &&
                (CC->getConstructor()->isTrivial() ||
                 harmless(CC->getConstructor(), 0));
      for (const Expr *A : CC->arguments())
        OK = OK && !mentionsSemaphore(A);
      if (!OK)
        S.Facts.clear();
      return;
    }
    if (isa<CXXDeleteExpr>(St) || isa<CoawaitExpr>(St) || isa<CoyieldExpr>(St))
      S.Facts.clear();
  };

  // Branches on a variable the function never changes can be followed.
  llvm::DenseMap<const VarDecl *, bool> Changed;
  readOnlyVars(Body, nullptr, Changed);
  auto Tested = [&](const Stmt *Cond, bool &Negated) -> const VarDecl * {
    const auto *E = dyn_cast_or_null<Expr>(Cond);
    Negated = false;
    if (!E)
      return nullptr;
    E = E->IgnoreParenImpCasts();
    while (const auto *U = dyn_cast<UnaryOperator>(E)) {
      if (U->getOpcode() != UO_LNot)
        break;
      Negated = !Negated;
      E = U->getSubExpr()->IgnoreParenImpCasts();
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType() ||
        !VD->getType()->isScalarType() || Changed.lookup(VD))
      return nullptr;
    return VD;
  };
  // The state on each edge out of a block: a branch on a followed variable
  // adds what the edge assumes (or finds the edge infeasible); any other
  // branch that is not a loop's makes the pending releases uncertain.
  auto Edges = [&](const CFGBlock &B, const State &S) {
    std::vector<std::optional<State>> Outs(B.succ_size(), S);
    const Stmt *T = B.getTerminatorStmt();
    const Stmt *Cond = B.getTerminatorCondition();
    if (!T || B.succ_size() < 2)
      return Outs;
    if (isa<ForStmt>(T) || isa<WhileStmt>(T) || isa<DoStmt>(T) ||
        isa<CXXForRangeStmt>(T))
      return Outs; // a loop going round again: see the file comment
    bool Negated = false;
    // A switch, or a condition on anything but a followed variable.
    const VarDecl *V =
        B.succ_size() == 2 && Cond ? Tested(Cond, Negated) : nullptr;
    for (unsigned I = 0; I < Outs.size(); ++I) {
      State &O = *Outs[I];
      if (!V) {
        for (auto &[K, P] : O.Facts)
          P.Uncertain = true;
        continue;
      }
      bool Value = (I == 0) != Negated;
      auto It = O.Assumed.find(V);
      if (It != O.Assumed.end() && It->second != Value) {
        Outs[I].reset(); // contradicts the path: not taken
        continue;
      }
      O.Assumed[V] = Value;
      for (auto F = O.Facts.begin(); F != O.Facts.end();) {
        auto A = F->second.Assumed.find(V);
        if (A != F->second.Assumed.end() && A->second != Value) {
          F = O.Facts.erase(F); // not taken with this release pending
          continue;
        }
        F->second.Assumed[V] = Value;
        ++F;
      }
    }
    return Outs;
  };

  // The domain: the element steps above, then the edges.
  struct PendingReleases {
    using State = lockstep::State;
    std::function<void(const CFGElement &, State &, bool)> Step;
    std::function<std::vector<std::optional<State>>(const CFGBlock &,
                                                    const State &)>
        Edges;
    State join(const State &A, const State &B) const {
      return lockstep::join(A, B);
    }
    void transfer(const CFGBlock &B, const State &In, FlowPhase Phase,
                  std::vector<std::optional<State>> &Out) {
      State S = In;
      for (const CFGElement &E : B)
        Step(E, S, Phase == FlowPhase::Report);
      Out = Edges(B, S);
    }
  } Domain{Step, Edges};
  FlowOptions Opts;
  Opts.MaxRounds = 50;
  FlowEngine<PendingReleases> Engine(*Cfg, Domain, Opts);
  if (Engine.run(State()) == FlowOutcome::GaveUp) {
    gaveUp(FD); // no fixed point within the bound: findings may be missing
    return;
  }
  Engine.report();
}

} // namespace lockstep
