//===- LockModel.cpp - The table of lock, wait and blocking roles ---------===//
#include "lockstep/analyzer/LockModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/StringSwitch.h"
#include <algorithm>
#include <initializer_list>

using namespace clang;

namespace lockstep {

using OpKind = Operation::Kind;

llvm::StringRef stdRecordName(const CXXRecordDecl *D) {
  if (!D || !D->getIdentifier() || !D->getDeclContext()->isStdNamespace())
    return "";
  return D->getName();
}

static const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return T->getAsCXXRecordDecl();
}

static bool isStdMutexName(llvm::StringRef N) {
  return N == "mutex" || N == "timed_mutex" || N == "recursive_mutex" ||
         N == "recursive_timed_mutex" || N == "shared_mutex" ||
         N == "shared_timed_mutex";
}

static bool hasCapabilityAttr(const CXXRecordDecl *RD) {
  if (!RD)
    return false;
  if (RD->hasAttr<CapabilityAttr>())
    return true;
  if (const auto *Def = RD->getDefinition())
    for (const auto &B : Def->bases())
      if (hasCapabilityAttr(B.getType()->getAsCXXRecordDecl()))
        return true;
  return false;
}

static bool isScopedLockable(const CXXRecordDecl *RD) {
  return RD && RD->hasAttr<ScopedLockableAttr>();
}

static bool isPthreadLockType(QualType T) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  std::string S = T.getUnqualifiedType().getAsString();
  return S == "pthread_mutex_t" || S == "pthread_rwlock_t" ||
         S == "pthread_spinlock_t";
}

bool LockModel::isLockType(QualType T) {
  if (T.isNull())
    return false;
  if (isPthreadLockType(T))
    return true;
  const CXXRecordDecl *RD = recordOf(T);
  return isStdMutexName(stdRecordName(RD)) || hasCapabilityAttr(RD);
}

bool LockModel::isRecursiveLockType(QualType T) {
  llvm::StringRef N = stdRecordName(recordOf(T));
  return N == "recursive_mutex" || N == "recursive_timed_mutex";
}

bool LockModel::isGuardType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  llvm::StringRef N = stdRecordName(RD);
  return N == "lock_guard" || N == "unique_lock" || N == "scoped_lock" ||
         N == "shared_lock" || isScopedLockable(RD);
}

bool LockModel::isMovableGuardType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  llvm::StringRef N = stdRecordName(RD);
  return N == "unique_lock" || N == "shared_lock" || isScopedLockable(RD);
}

static bool oneOf(llvm::StringRef S,
                  std::initializer_list<llvm::StringRef> Names) {
  return std::find(Names.begin(), Names.end(), S) != Names.end();
}

std::string knownThrower(const Expr *E) {
  if (const auto *NE = dyn_cast<CXXNewExpr>(E)) {
    const FunctionDecl *New = NE->getOperatorNew();
    const auto *FPT = New ? New->getType()->getAs<FunctionProtoType>() : nullptr;
    return FPT && !FPT->isNothrow() ? "the new expression" : "";
  }
  if (const auto *DC = dyn_cast<CXXDynamicCastExpr>(E))
    return DC->getTypeAsWritten()->isReferenceType() ? "the dynamic_cast" : "";
  const auto *Call = dyn_cast<CallExpr>(E);
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD || !FD->getIdentifier())
    return "";
  llvm::StringRef Name = FD->getName();
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    // The class decides (stdRecordName is "" outside namespace std).
    llvm::StringRef RN =
        stdRecordName(recordOf(MC->getImplicitObjectArgument()->getType()));
    bool Throws =
        (Name == "at" &&
         oneOf(RN, {"vector", "deque", "array", "basic_string",
                    "basic_string_view", "map", "unordered_map"})) ||
        (Name == "value" && (RN == "optional" || RN == "expected")) ||
        (Name == "get" && (RN == "future" || RN == "shared_future"));
    return Throws ? ("std::" + RN + "::" + Name).str() : "";
  }
  if (!FD->isInStdNamespace() || isa<CXXOperatorCallExpr>(Call) ||
      Call->getNumArgs() == 0)
    return "";
  const Expr *Arg = Call->getArg(0);
  bool Throws =
      oneOf(Name, {"stoi", "stol", "stoll", "stoul", "stoull", "stof", "stod",
                   "stold", "rethrow_exception", "throw_with_nested"}) ||
      // any_cast of a pointer returns null instead of throwing.
      (Name == "any_cast" && !Arg->getType()->isPointerType()) ||
      (Name == "get" && stdRecordName(recordOf(Arg->getType())) == "variant");
  return Throws ? ("std::" + Name).str() : "";
}

LockModel::LockModel(const Config &Cfg) {
  for (const WrapperSpec &W : Cfg.Wrappers)
    Wrappers[W.Function] = W;
  for (const std::string &F : Cfg.BlockingFunctions)
    Blocking[F] = true;
}

bool LockModel::isConfigWrapper(const FunctionDecl *FD) const {
  return !Wrappers.empty() && FD &&
         Wrappers.count(FD->getQualifiedNameAsString());
}

Operation LockModel::classify(const Stmt *S, ASTContext &Ctx,
                             const FunctionDecl *Target) const {
  if (isa<CXXConstructExpr>(S))
    return classifyConstruct(S, Ctx);
  if (isa<CallExpr>(S))
    return classifyCall(S, Ctx, Target);
  return {};
}

/// Reads a try-acquire attribute's success value into a SuccessTest.
static SuccessTest successFrom(const Expr *V, ASTContext &Ctx) {
  SuccessTest T{false, 0}; // default: success when the result is true
  if (!V)
    return T;
  Expr::EvalResult R;
  if (V->EvaluateAsInt(R, Ctx)) {
    std::int64_t N = R.Val.getInt().getExtValue();
    if (V->IgnoreParenImpCasts()->getType()->isBooleanType())
      return N ? SuccessTest{false, 0} : SuccessTest{true, 0};
    return SuccessTest{true, N};
  }
  return T;
}

static bool isStdTag(const Expr *E, llvm::StringRef Tag) {
  return stdRecordName(recordOf(E->getType())) == Tag;
}

static bool isStreamVar(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->getIdentifier() && VD->getDeclContext()->isStdNamespace())
        return VD->getName() == "cin" || VD->getName() == "wcin";
  return false;
}

Operation LockModel::classifyConstruct(const Stmt *S, ASTContext &Ctx) const {
  const auto *CE = cast<CXXConstructExpr>(S);
  Operation Op;
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (!Ctor)
    return Op;
  const CXXRecordDecl *RD = Ctor->getParent();
  llvm::StringRef N = stdRecordName(RD);
  unsigned NArgs = CE->getNumArgs();
  // Default arguments are not written by the user and carry no mutexes.
  while (NArgs && isa<CXXDefaultArgExpr>(CE->getArg(NArgs - 1)))
    --NArgs;
  bool StdGuard = N == "lock_guard" || N == "unique_lock" ||
                  N == "scoped_lock" || N == "shared_lock";
  if (StdGuard || isScopedLockable(RD)) {
    if (NArgs == 1 && recordOf(CE->getArg(0)->getType()) &&
        recordOf(CE->getArg(0)->getType())->getCanonicalDecl() ==
            RD->getCanonicalDecl()) {
      Op.K = OpKind::GuardMoveCtor;
      Op.MovedFrom = CE->getArg(0);
      return Op;
    }
  }
  if (StdGuard) {
    Op.K = OpKind::GuardCtor;
    Op.Shared = N == "shared_lock";
    Op.Mode = GuardMode::Lock;
    unsigned First = 0;
    if (N == "scoped_lock" && NArgs && isStdTag(CE->getArg(0), "adopt_lock_t")) {
      Op.Mode = GuardMode::Adopt;
      First = 1;
    }
    for (unsigned I = First; I < NArgs; ++I) {
      const Expr *A = CE->getArg(I);
      if (isStdTag(A, "adopt_lock_t"))
        Op.Mode = GuardMode::Adopt;
      else if (isStdTag(A, "defer_lock_t"))
        Op.Mode = GuardMode::Defer;
      else if (isStdTag(A, "try_to_lock_t"))
        Op.Mode = GuardMode::Try;
      else if (I > 0 && N != "scoped_lock")
        Op.Mode = GuardMode::Try; // a duration or time point: timed try
      else
        Op.Locks.push_back(A);
    }
    return Op;
  }
  if (isScopedLockable(RD)) {
    if (const auto *A = Ctor->getAttr<AcquireCapabilityAttr>()) {
      Op.K = OpKind::GuardCtor;
      Op.Shared = A->isShared();
      Op.Callee = Ctor;
      for (const Expr *L : A->args())
        Op.CalleeLocks.push_back(L);
      return Op;
    }
    if (NArgs == 0) {
      Op.K = OpKind::GuardCtor; // an empty guard
      return Op;
    }
  }
  return Op;
}

Operation LockModel::classifyCall(const Stmt *S, ASTContext &Ctx,
                                  const FunctionDecl *Target) const {
  const auto *CE = cast<CallExpr>(S);
  Operation Op;
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD && !isa<CXXMemberCallExpr>(CE))
    FD = Target;
  if (!FD)
    return Op;
  // Split into the object (for methods) and the explicit arguments.
  const Expr *Object = nullptr;
  llvm::SmallVector<const Expr *, 4> Args;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
    Object = MC->getImplicitObjectArgument();
    for (const Expr *A : MC->arguments())
      Args.push_back(A);
  } else if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(FD)) {
    if (CE->getNumArgs() == 0)
      return Op;
    Object = CE->getArg(0);
    for (unsigned I = 1; I < CE->getNumArgs(); ++I)
      Args.push_back(CE->getArg(I));
  } else {
    for (const Expr *A : CE->arguments())
      Args.push_back(A);
  }
  while (!Args.empty() && isa<CXXDefaultArgExpr>(Args.back()))
    Args.pop_back();
  Op.Object = Object;
  Op.Callee = FD;

  // 1. The user's config: in-house wrappers and blocking functions.
  if (!Wrappers.empty() || !Blocking.empty()) {
    std::string QN = FD->getQualifiedNameAsString();
    auto It = Wrappers.find(QN);
    if (It != Wrappers.end()) {
      const WrapperSpec &W = It->second;
      if (W.Argument < 0) {
        if (!Object)
          return Operation{};
        Op.ThisIsLock = true;
      } else if (static_cast<unsigned>(W.Argument) < Args.size()) {
        Op.Locks.push_back(Args[W.Argument]);
      } else {
        return Operation{};
      }
      Op.Shared = W.Shared;
      switch (W.Kind) {
      case WrapperSpec::Effect::Acquire:
        Op.K = OpKind::Acquire;
        break;
      case WrapperSpec::Effect::Release:
        Op.K = OpKind::Release;
        Op.Generic = true;
        break;
      case WrapperSpec::Effect::TryAcquire:
        Op.K = OpKind::TryAcquire;
        Op.Success = W.Success ? SuccessTest{false, 0} : SuccessTest{true, 0};
        break;
      }
      return Op;
    }
    if (Blocking.count(QN)) {
      Op.K = OpKind::Blocking;
      Op.What = QN;
      return Op;
    }
  }

  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  const CXXRecordDecl *ObjRD = Object ? recordOf(Object->getType()) : nullptr;
  bool OnScoped = isScopedLockable(ObjRD) ||
                  (MD && isScopedLockable(MD->getParent()));

  // 2. Clang thread-safety attributes.
  auto TakeArgs = [&](auto *A) {
    for (const Expr *L : A->args())
      Op.CalleeLocks.push_back(L);
    if (Op.CalleeLocks.empty())
      Op.ThisIsLock = true;
  };
  if (const auto *A = FD->getAttr<AcquireCapabilityAttr>()) {
    Op.Shared = A->isShared();
    if (OnScoped && A->args_size() == 0) {
      Op.K = OpKind::GuardLock;
      Op.Guard = Object;
      return Op;
    }
    Op.K = OpKind::Acquire;
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<ReleaseCapabilityAttr>()) {
    Op.Shared = A->isShared();
    Op.Generic = A->isGeneric();
    if (OnScoped && A->args_size() == 0) {
      Op.K = OpKind::GuardUnlock;
      Op.Guard = Object;
      return Op;
    }
    Op.K = OpKind::Release;
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<AssertCapabilityAttr>()) {
    Op.K = OpKind::AssertHeld;
    Op.Shared = A->isShared();
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<AssertExclusiveLockAttr>()) {
    Op.K = OpKind::AssertHeld;
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<AssertSharedLockAttr>()) {
    Op.K = OpKind::AssertHeld;
    Op.Shared = true;
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<TryAcquireCapabilityAttr>()) {
    Op.K = OpKind::TryAcquire;
    Op.Shared = A->isShared();
    Op.Success = successFrom(A->getSuccessValue(), Ctx);
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<ExclusiveTrylockFunctionAttr>()) {
    Op.K = OpKind::TryAcquire;
    Op.Success = successFrom(A->getSuccessValue(), Ctx);
    TakeArgs(A);
    return Op;
  }
  if (const auto *A = FD->getAttr<SharedTrylockFunctionAttr>()) {
    Op.K = OpKind::TryAcquire;
    Op.Shared = true;
    Op.Success = successFrom(A->getSuccessValue(), Ctx);
    TakeArgs(A);
    return Op;
  }

  llvm::StringRef Name =
      FD->getIdentifier() ? FD->getName() : llvm::StringRef();

  // 3. Standard library types, by the class of the object.
  llvm::StringRef RN = stdRecordName(ObjRD);
  if (!RN.empty()) {
    if (isStdMutexName(RN)) {
      Op.Locks.push_back(Object);
      auto K = llvm::StringSwitch<int>(Name)
                   .Case("lock", 1)
                   .Cases("try_lock", "try_lock_for", "try_lock_until", 2)
                   .Case("unlock", 3)
                   .Case("lock_shared", 4)
                   .Cases("try_lock_shared", "try_lock_shared_for",
                          "try_lock_shared_until", 5)
                   .Case("unlock_shared", 6)
                   .Default(0);
      Op.Shared = K >= 4;
      Op.Success = SuccessTest{false, 0};
      switch (K) {
      case 1: case 4: Op.K = OpKind::Acquire; break;
      case 2: case 5: Op.K = OpKind::TryAcquire; break;
      case 3: case 6: Op.K = OpKind::Release; break;
      default: return Operation{};
      }
      return Op;
    }
    if (RN == "unique_lock" || RN == "shared_lock") {
      Op.Guard = Object;
      Op.Shared = RN == "shared_lock";
      if (isa<CXXConversionDecl>(FD) || Name == "owns_lock") {
        Op.K = OpKind::GuardOwns;
      } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(CE)) {
        if (OC->getOperator() == OO_Equal && Args.size() == 1) {
          Op.K = OpKind::GuardMoveAssign;
          Op.MovedFrom = Args[0];
        }
      } else {
        Op.MovedFrom = Name == "swap" && Args.size() == 1 ? Args[0] : nullptr;
        Op.K = llvm::StringSwitch<OpKind>(Name)
                   .Case("lock", OpKind::GuardLock)
                   .Cases("try_lock", "try_lock_for", "try_lock_until",
                          OpKind::GuardTryLock)
                   .Case("unlock", OpKind::GuardUnlock)
                   .Case("release", OpKind::GuardRelease)
                   .Case("swap", Op.MovedFrom ? OpKind::GuardSwap
                                              : OpKind::None)
                   .Default(OpKind::None);
        Op.Success = SuccessTest{false, 0};
      }
      return Op;
    }
    if (RN == "condition_variable" || RN == "condition_variable_any") {
      unsigned Need = Name == "wait" ? 2 : 3;
      if (Name == "wait" || Name == "wait_for" || Name == "wait_until") {
        Op.K = OpKind::CvWait;
        Op.CvLock = Args.empty() ? nullptr : Args[0];
        Op.CvHasPredicate = Args.size() >= Need;
        Op.What = ("std::" + RN + "::" + Name).str();
      }
      return Op;
    }
    auto Block = [&](bool Yes) {
      if (Yes) {
        Op.K = OpKind::Blocking;
        Op.What = ("std::" + RN + "::" + Name).str();
      }
      return Op;
    };
    if (RN == "thread" || RN == "jthread")
      return Block(Name == "join");
    if (RN == "counting_semaphore")
      return Block(Name == "acquire" || Name == "try_acquire_for" ||
                   Name == "try_acquire_until");
    if (RN == "barrier")
      return Block(Name == "arrive_and_wait" || Name == "wait");
    if (RN == "latch")
      return Block(Name == "wait" || Name == "arrive_and_wait");
    if (RN == "future" || RN == "shared_future")
      return Block(Name == "get" || Name == "wait");
  }
  // Reading standard input blocks: std::cin >> x, std::getline(std::cin, s),
  // std::cin.get() ...
  if (Object && isStreamVar(Object) && (Name.empty() || Name == "get" ||
                                        Name == "getline" || Name == "read" ||
                                        Name == "ignore")) {
    Op.K = OpKind::Blocking;
    Op.What = "reading std::cin";
    return Op;
  }
  if (!Object && !Args.empty() && isStreamVar(Args[0]) &&
      FD->isInStdNamespace() &&
      (Name == "getline" || isa<CXXOperatorCallExpr>(CE))) {
    Op.K = OpKind::Blocking;
    Op.What = "reading std::cin";
    return Op;
  }
  if (Name.empty())
    return Op;

  // 4. Free functions of the standard library (std::this_thread too).
  bool InStd = false;
  for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent())
    if (DC->isStdNamespace())
      InStd = true;
  if (InStd) {
    std::string QN = FD->getQualifiedNameAsString();
    if (QN == "std::lock" && Args.size() >= 2) {
      Op.K = OpKind::MultiAcquire;
      Op.Locks.assign(Args.begin(), Args.end());
      return Op;
    }
    if (QN == "std::try_lock" && Args.size() >= 2) {
      Op.K = OpKind::MultiTry;
      Op.Locks.assign(Args.begin(), Args.end());
      Op.Success = SuccessTest{true, -1};
      return Op;
    }
    if (QN == "std::swap" && Args.size() == 2 &&
        isMovableGuardType(Args[0]->getType())) {
      Op.K = OpKind::GuardSwap;
      Op.Guard = Args[0];
      Op.MovedFrom = Args[1];
      return Op;
    }
    if (QN == "std::this_thread::sleep_for" ||
        QN == "std::this_thread::sleep_until") {
      Op.K = OpKind::Blocking;
      Op.What = QN;
      return Op;
    }
    return Op;
  }

  // 5. C library: pthreads, sleeping, blocking I/O.
  if (!FD->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return Op;
  auto Lock0 = [&](OpKind K, bool Shared) {
    if (Args.empty())
      return Operation{};
    Op.K = K;
    Op.Shared = Shared;
    Op.Locks.push_back(Args[0]);
    Op.Success = SuccessTest{true, 0};
    return Op;
  };
  if (Name.startswith("pthread_")) {
    if (Name == "pthread_mutex_lock" || Name == "pthread_spin_lock" ||
        Name == "pthread_rwlock_wrlock" || Name == "pthread_rwlock_rdlock") {
      Lock0(OpKind::Acquire, Name == "pthread_rwlock_rdlock");
      Op.ResultTells = Op.K == OpKind::Acquire;
      return Op;
    }
    if (Name == "pthread_mutex_trylock" || Name == "pthread_mutex_timedlock" ||
        Name == "pthread_mutex_clocklock" || Name == "pthread_spin_trylock" ||
        Name == "pthread_rwlock_trywrlock" ||
        Name == "pthread_rwlock_timedwrlock" ||
        Name == "pthread_rwlock_clockwrlock")
      return Lock0(OpKind::TryAcquire, false);
    if (Name == "pthread_rwlock_tryrdlock" ||
        Name == "pthread_rwlock_timedrdlock" ||
        Name == "pthread_rwlock_clockrdlock")
      return Lock0(OpKind::TryAcquire, true);
    if (Name == "pthread_mutex_unlock" || Name == "pthread_spin_unlock")
      return Lock0(OpKind::Release, false);
    if (Name == "pthread_rwlock_unlock") {
      Lock0(OpKind::Release, false);
      Op.Generic = true;
      return Op;
    }
    if (Name == "pthread_cond_wait" || Name == "pthread_cond_timedwait" ||
        Name == "pthread_cond_clockwait") {
      if (Args.size() < 2)
        return Operation{};
      Op.K = OpKind::CvWait;
      Op.CvLock = Args[1];
      Op.What = Name.str();
      return Op;
    }
    if (Name == "pthread_join" || Name == "pthread_barrier_wait") {
      Op.K = OpKind::Blocking;
      Op.What = Name.str();
      return Op;
    }
    return Op;
  }
  bool Blocks = llvm::StringSwitch<bool>(Name)
                    .Cases("sleep", "usleep", "nanosleep", "clock_nanosleep",
                           true)
                    .Cases("read", "write", "recv", "recvfrom", "recvmsg",
                           "send", "sendto", "sendmsg", true)
                    .Cases("accept", "accept4", "connect", "poll", "ppoll",
                           "select", "pselect", "epoll_wait", true)
                    .Cases("fgets", "getchar", "getline", "sem_wait",
                           "sem_timedwait", "sem_clockwait", "waitpid", true)
                    .Default(false);
  if (Blocks) {
    Op.K = OpKind::Blocking;
    Op.What = Name.str();
  }
  return Op;
}

} // namespace lockstep
