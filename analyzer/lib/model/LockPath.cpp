//===- LockPath.cpp - Resolving expressions to lock identities ------------===//
#include "lockstep/analyzer/LockPath.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace lockstep {

std::string LockPath::key() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << static_cast<int>(Kind) << ':';
  if (Kind == RootKind::Param)
    OS << 'p' << ParamIndex << '@';
  OS << static_cast<const void *>(Root);
  for (const Step &St : Steps) {
    if (St.Member)
      OS << '.' << static_cast<const void *>(St.Member);
    else
      OS << '[' << St.Index << ']';
  }
  if (Imprecise)
    OS << "[?]";
  return OS.str();
}

std::string LockPath::orderKey() const {
  if (Imprecise)
    return "";
  if (Kind == RootKind::Global)
    return key();
  if ((Kind != RootKind::This && Kind != RootKind::Param) || Steps.empty() ||
      !Steps.front().Member)
    return "";
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << "member";
  for (const Step &St : Steps) {
    if (St.Member)
      OS << '.' << static_cast<const void *>(St.Member);
    else
      OS << '[' << St.Index << ']';
  }
  return OS.str();
}

std::string LockPath::name() const {
  std::string S;
  if (Kind != RootKind::This && Root)
    S = Root->getNameAsString();
  bool First = Kind == RootKind::This;
  for (const Step &St : Steps) {
    if (St.Member) {
      if (!First)
        S += St.Arrow ? "->" : ".";
      S += St.Member->getNameAsString();
    } else {
      S += "[" + std::to_string(St.Index) + "]";
    }
    First = false;
  }
  if (Imprecise)
    S += "[...]";
  if (S.empty())
    S = "*this";
  return S;
}

const ValueDecl *LockPath::lastDecl() const {
  for (auto It = Steps.rbegin(); It != Steps.rend(); ++It)
    if (It->Member)
      return It->Member;
  return Root;
}

LockPath LockPath::thisObject() {
  LockPath P;
  P.Kind = RootKind::This;
  return P;
}

static const Expr *stripObject(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(E)) {
      // &m and *p name the same lock object as m and p.
      if (U->getOpcode() == UO_AddrOf || U->getOpcode() == UO_Deref) {
        E = U->getSubExpr();
        continue;
      }
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // Smart pointers: p->lock() and (*p).lock() act on what p points to.
      if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
          Op->getNumArgs() == 1) {
        E = Op->getArg(0);
        continue;
      }
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      // std::ref(m), std::move(lk) and the like forward their argument.
      if (const auto *FD = Call->getDirectCallee())
        if (FD->isInStdNamespace() && Call->getNumArgs() == 1 &&
            FD->getIdentifier() &&
            (FD->getName() == "ref" || FD->getName() == "cref" ||
             FD->getName() == "move" || FD->getName() == "addressof")) {
          E = Call->getArg(0);
          continue;
        }
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
        if (const auto *Conv =
                dyn_cast_or_null<CXXConversionDecl>(MC->getMethodDecl()))
          if (Conv->getConversionType()->isReferenceType()) {
            // reference_wrapper<M> converting to M&.
            E = MC->getImplicitObjectArgument();
            continue;
          }
    }
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = M->getSubExpr();
      continue;
    }
    if (const auto *C = dyn_cast<CXXConstructExpr>(E)) {
      // A copy of reference_wrapper etc.: look through single-arg copies.
      if (C->getNumArgs() == 1 && C->getConstructor() &&
          C->getConstructor()->isCopyOrMoveConstructor()) {
        E = C->getArg(0);
        continue;
      }
    }
    break;
  }
  return E;
}

std::optional<LockPath> LockPath::fromExpr(const Expr *E,
                                           const FunctionDecl *Fn) {
  E = stripObject(E);
  if (!E)
    return std::nullopt;
  if (isa<CXXThisExpr>(E))
    return thisObject();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = DRE->getDecl();
    LockPath P;
    if (const auto *PVD = dyn_cast<ParmVarDecl>(D)) {
      P.Kind = RootKind::Param;
      P.Root = PVD;
      P.ParamIndex = PVD->getFunctionScopeIndex();
      // A parameter of another function (a lambda's) is not ours to name;
      // attribute arguments may name the parameter of another redeclaration.
      const auto *Owner = dyn_cast<FunctionDecl>(PVD->getDeclContext());
      if (Fn && (!Owner ||
                 Owner->getCanonicalDecl() != Fn->getCanonicalDecl()))
        P.Kind = RootKind::Local;
      return P;
    }
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      if (VD->isCXXForRangeDecl()) {
        // `for (Shard &S : shards_) S.mu.lock();` names a different
        // element on each iteration.
        LockPath Any;
        Any.Kind = RootKind::Local;
        Any.Root = VD;
        Any.Imprecise = true;
        return Any;
      }
      if (VD->hasGlobalStorage()) {
        P.Kind = RootKind::Global;
        P.Root = VD->getCanonicalDecl();
        return P;
      }
      // `auto &m = obj.mu;` names obj.mu.
      if (VD->getType()->isReferenceType() && VD->getInit())
        return fromExpr(VD->getInit(), Fn);
      P.Kind = RootKind::Local;
      P.Root = VD;
      return P;
    }
    if (isa<FieldDecl>(D) || isa<IndirectFieldDecl>(D)) {
      // A field named inside a lambda capturing this, or similar.
      LockPath TP = thisObject();
      TP.Steps.push_back({D, 0, true});
      return TP;
    }
    return std::nullopt;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const ValueDecl *Member = ME->getMemberDecl();
    if (const auto *VD = dyn_cast<VarDecl>(Member)) {
      // A static data member: the same object whichever instance names it.
      LockPath P;
      P.Kind = RootKind::Global;
      P.Root = VD->getCanonicalDecl();
      return P;
    }
    if (!isa<FieldDecl>(Member) && !isa<IndirectFieldDecl>(Member))
      return std::nullopt;
    auto Base = fromExpr(ME->getBase(), Fn);
    if (!Base)
      return std::nullopt;
    Base->Steps.push_back({Member, 0, ME->isArrow()});
    return Base;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    auto Base = fromExpr(AS->getBase(), Fn);
    if (!Base)
      return std::nullopt;
    Expr::EvalResult R;
    if (Fn && AS->getIdx()->EvaluateAsInt(R, Fn->getASTContext()))
      Base->Steps.push_back({nullptr, R.Val.getInt().getExtValue(), false});
    else
      Base->Imprecise = true;
    return Base;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    // std::array / vector element: locks[i].
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() == 2) {
      auto Base = fromExpr(Op->getArg(0), Fn);
      if (!Base)
        return std::nullopt;
      Expr::EvalResult R;
      if (Fn && Op->getArg(1)->EvaluateAsInt(R, Fn->getASTContext()))
        Base->Steps.push_back({nullptr, R.Val.getInt().getExtValue(), false});
      else
        Base->Imprecise = true;
      return Base;
    }
  }
  return std::nullopt;
}

std::optional<LockPath>
LockPath::substitute(const std::optional<LockPath> &Object,
                     llvm::ArrayRef<std::optional<LockPath>> Args) const {
  std::optional<LockPath> Base;
  switch (Kind) {
  case RootKind::Global:
    return *this;
  case RootKind::Local:
    return std::nullopt;
  case RootKind::This:
    Base = Object;
    break;
  case RootKind::Param:
    if (ParamIndex < Args.size())
      Base = Args[ParamIndex];
    break;
  }
  if (!Base)
    return std::nullopt;
  for (const Step &St : Steps)
    Base->Steps.push_back(St);
  Base->Imprecise = Base->Imprecise || Imprecise;
  return Base;
}

} // namespace lockstep
