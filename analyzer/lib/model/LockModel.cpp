//===- LockModel.cpp - The table of lock, wait and blocking roles ---------===//
#include "lockstep/analyzer/LockModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
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

namespace {

/// Where a function of the table lives.
enum class Scope : std::uint8_t {
  StdMutex,   ///< a member of any standard mutex type (std::mutex ... std::shared_timed_mutex)
  StdMember,  ///< a member of the standard class named by CallRole::Class
  StdFree,    ///< a function of namespace std, by qualified name
  C,          ///< a C function (pthreads, POSIX, the C library)
};

/// Which operand a role is about: the lock(s) of Acquire/TryAcquire/Release/
/// Multi*, the lock argument of CvWait.
enum class Operand : std::uint8_t { None, Object, Arg0, Arg1, AllArgs };

/// The role of one function of the standard library, pthreads or POSIX: what
/// the lock analysis and the checks see a call of it as. Clang's thread-safety
/// attributes and the user's configuration are read before this table; lock
/// guards, moves of guards and std::cin keep their own code (their roles
/// depend on more than the name).
struct CallRole {
  Scope Where;
  llvm::StringRef Class;  ///< Scope::StdMember: the class's name in std
  llvm::StringRef Name;   ///< Scope::StdFree: qualified ("std::lock")
  OpKind K;
  Operand Lock = Operand::None;
  bool Shared = false;
  bool Generic = false;      ///< releases the lock in either mode
  bool ResultTells = false;  ///< the result says whether the lock was taken
  SuccessTest Success = {};  ///< TryAcquire: the result that means "taken"
  /// Multi*: at least this many arguments; CvWait on a std condition
  /// variable: this many arguments or more carry a predicate.
  unsigned Arity = 0;
};

constexpr SuccessTest ReturnsTrue{false, 0}, ReturnsZero{true, 0},
    ReturnsMinusOne{true, -1};

// clang-format off
const CallRole CallRoles[] = {
    // std::mutex and its siblings: the object is the lock.
    {Scope::StdMutex, "", "lock", OpKind::Acquire, Operand::Object, false, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock", OpKind::TryAcquire, Operand::Object, false, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock_for", OpKind::TryAcquire, Operand::Object, false, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock_until", OpKind::TryAcquire, Operand::Object, false, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "unlock", OpKind::Release, Operand::Object, false, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "lock_shared", OpKind::Acquire, Operand::Object, true, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock_shared", OpKind::TryAcquire, Operand::Object, true, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock_shared_for", OpKind::TryAcquire, Operand::Object, true, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "try_lock_shared_until", OpKind::TryAcquire, Operand::Object, true, false, false, ReturnsTrue},
    {Scope::StdMutex, "", "unlock_shared", OpKind::Release, Operand::Object, true, false, false, ReturnsTrue},
    // Condition variables: the first argument is the lock; wait(lk, pred) and
    // wait_for/wait_until(lk, time, pred) carry a predicate.
    {Scope::StdMember, "condition_variable", "wait", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 2},
    {Scope::StdMember, "condition_variable", "wait_for", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 3},
    {Scope::StdMember, "condition_variable", "wait_until", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 3},
    {Scope::StdMember, "condition_variable_any", "wait", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 2},
    {Scope::StdMember, "condition_variable_any", "wait_for", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 3},
    {Scope::StdMember, "condition_variable_any", "wait_until", OpKind::CvWait, Operand::Arg0, false, false, false, {}, 3},
    // Calls that may block indefinitely.
    {Scope::StdMember, "thread", "join", OpKind::Blocking},
    {Scope::StdMember, "jthread", "join", OpKind::Blocking},
    {Scope::StdMember, "counting_semaphore", "acquire", OpKind::Blocking},
    {Scope::StdMember, "counting_semaphore", "try_acquire_for", OpKind::Blocking},
    {Scope::StdMember, "counting_semaphore", "try_acquire_until", OpKind::Blocking},
    {Scope::StdMember, "barrier", "arrive_and_wait", OpKind::Blocking},
    {Scope::StdMember, "barrier", "wait", OpKind::Blocking},
    {Scope::StdMember, "latch", "wait", OpKind::Blocking},
    {Scope::StdMember, "latch", "arrive_and_wait", OpKind::Blocking},
    {Scope::StdMember, "future", "get", OpKind::Blocking},
    {Scope::StdMember, "future", "wait", OpKind::Blocking},
    {Scope::StdMember, "shared_future", "get", OpKind::Blocking},
    {Scope::StdMember, "shared_future", "wait", OpKind::Blocking},
    // Free functions of namespace std.
    {Scope::StdFree, "", "std::lock", OpKind::MultiAcquire, Operand::AllArgs, false, false, false, {}, 2},
    {Scope::StdFree, "", "std::try_lock", OpKind::MultiTry, Operand::AllArgs, false, false, false, ReturnsMinusOne, 2},
    {Scope::StdFree, "", "std::this_thread::sleep_for", OpKind::Blocking},
    {Scope::StdFree, "", "std::this_thread::sleep_until", OpKind::Blocking},
    // pthreads: the first argument is the lock (the second for condition
    // variables); 0 means success.
    {Scope::C, "", "pthread_mutex_lock", OpKind::Acquire, Operand::Arg0, false, false, true, ReturnsZero},
    {Scope::C, "", "pthread_spin_lock", OpKind::Acquire, Operand::Arg0, false, false, true, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_wrlock", OpKind::Acquire, Operand::Arg0, false, false, true, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_rdlock", OpKind::Acquire, Operand::Arg0, true, false, true, ReturnsZero},
    {Scope::C, "", "pthread_mutex_trylock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_mutex_timedlock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_mutex_clocklock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_spin_trylock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_trywrlock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_timedwrlock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_clockwrlock", OpKind::TryAcquire, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_tryrdlock", OpKind::TryAcquire, Operand::Arg0, true, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_timedrdlock", OpKind::TryAcquire, Operand::Arg0, true, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_clockrdlock", OpKind::TryAcquire, Operand::Arg0, true, false, false, ReturnsZero},
    {Scope::C, "", "pthread_mutex_unlock", OpKind::Release, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_spin_unlock", OpKind::Release, Operand::Arg0, false, false, false, ReturnsZero},
    {Scope::C, "", "pthread_rwlock_unlock", OpKind::Release, Operand::Arg0, false, true, false, ReturnsZero},
    {Scope::C, "", "pthread_cond_wait", OpKind::CvWait, Operand::Arg1},
    {Scope::C, "", "pthread_cond_timedwait", OpKind::CvWait, Operand::Arg1},
    {Scope::C, "", "pthread_cond_clockwait", OpKind::CvWait, Operand::Arg1},
    {Scope::C, "", "pthread_join", OpKind::Blocking},
    {Scope::C, "", "pthread_barrier_wait", OpKind::Blocking},
    // POSIX and the C library: sleeping, semaphores, blocking I/O, waiting
    // for a child.
    {Scope::C, "", "sleep", OpKind::Blocking},
    {Scope::C, "", "usleep", OpKind::Blocking},
    {Scope::C, "", "nanosleep", OpKind::Blocking},
    {Scope::C, "", "clock_nanosleep", OpKind::Blocking},
    {Scope::C, "", "sem_wait", OpKind::Blocking},
    {Scope::C, "", "sem_timedwait", OpKind::Blocking},
    {Scope::C, "", "sem_clockwait", OpKind::Blocking},
    {Scope::C, "", "read", OpKind::Blocking},
    {Scope::C, "", "write", OpKind::Blocking},
    {Scope::C, "", "recv", OpKind::Blocking},
    {Scope::C, "", "recvfrom", OpKind::Blocking},
    {Scope::C, "", "recvmsg", OpKind::Blocking},
    {Scope::C, "", "send", OpKind::Blocking},
    {Scope::C, "", "sendto", OpKind::Blocking},
    {Scope::C, "", "sendmsg", OpKind::Blocking},
    {Scope::C, "", "accept", OpKind::Blocking},
    {Scope::C, "", "accept4", OpKind::Blocking},
    {Scope::C, "", "connect", OpKind::Blocking},
    {Scope::C, "", "poll", OpKind::Blocking},
    {Scope::C, "", "ppoll", OpKind::Blocking},
    {Scope::C, "", "select", OpKind::Blocking},
    {Scope::C, "", "pselect", OpKind::Blocking},
    {Scope::C, "", "epoll_wait", OpKind::Blocking},
    {Scope::C, "", "fgets", OpKind::Blocking},
    {Scope::C, "", "getchar", OpKind::Blocking},
    {Scope::C, "", "getline", OpKind::Blocking},
    {Scope::C, "", "waitpid", OpKind::Blocking},
};
// clang-format on

/// The table's rows by function name (every call is classified: no linear
/// search), and the std classes it has rows for.
struct RoleIndex {
  llvm::StringMap<llvm::SmallVector<const CallRole *, 2>> ByName;
  llvm::StringSet<> StdClasses;
  RoleIndex() {
    for (const CallRole &R : CallRoles) {
      ByName[R.Name].push_back(&R);
      if (R.Where == Scope::StdMember)
        StdClasses.insert(R.Class);
    }
  }
};

const RoleIndex &roleIndex() {
  static const RoleIndex Index;
  return Index;
}

/// The table's row for \p Name in \p Where (and \p Class), or null.
const CallRole *findRole(Scope Where, llvm::StringRef Class,
                         llvm::StringRef Name) {
  auto It = roleIndex().ByName.find(Name);
  if (It == roleIndex().ByName.end())
    return nullptr;
  for (const CallRole *R : It->second)
    if (R->Where == Where && (Where != Scope::StdMember || R->Class == Class))
      return R;
  return nullptr;
}

/// Whether the table has rows for members of the std class \p Class.
bool isModelledStdClass(llvm::StringRef Class) {
  return roleIndex().StdClasses.contains(Class);
}

} // namespace

/// Fills \p Op from row \p R for a call with \p Object and \p Args; an empty
/// Operation when the call does not have the operand the row needs.
static Operation applyRole(const CallRole &R, Operation Op,
                           llvm::StringRef What, const Expr *Object,
                           llvm::ArrayRef<const Expr *> Args) {
  Op.K = R.K;
  Op.Shared = R.Shared;
  Op.Generic = R.Generic;
  Op.ResultTells = R.ResultTells;
  Op.Success = R.Success;
  const Expr *Operand = nullptr;
  switch (R.Lock) {
  case Operand::None: break;
  case Operand::Object: Operand = Object; break;
  case Operand::Arg0:
    if (Args.empty())
      return Operation{};
    Operand = Args[0];
    break;
  case Operand::Arg1:
    if (Args.size() < 2)
      return Operation{};
    Operand = Args[1];
    break;
  case Operand::AllArgs:
    if (Args.size() < R.Arity)
      return Operation{};
    Op.Locks.assign(Args.begin(), Args.end());
    return Op;
  }
  if (R.K == OpKind::CvWait) {
    Op.CvLock = Operand;
    Op.CvHasPredicate = R.Arity && Args.size() >= R.Arity;
    Op.What = What.str();
  } else if (R.K == OpKind::Blocking) {
    Op.What = What.str();
  } else if (Operand) {
    Op.Locks.push_back(Operand);
  }
  return Op;
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

  // 3. Standard library types, by the class of the object (the table, and
  // the guards' own code).
  llvm::StringRef RN = stdRecordName(ObjRD);
  if (!RN.empty()) {
    if (isStdMutexName(RN)) {
      const CallRole *R = findRole(Scope::StdMutex, "", Name);
      return R ? applyRole(*R, Op, "", Object, Args) : Operation{};
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
    if (isModelledStdClass(RN)) {
      // Members the table does not name (notify_one, arrive, count_down ...)
      // have no role here.
      if (const CallRole *R = findRole(Scope::StdMember, RN, Name))
        return applyRole(*R, Op, ("std::" + RN + "::" + Name).str(), Object,
                         Args);
      return Op;
    }
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
    if (QN == "std::swap" && Args.size() == 2 &&
        isMovableGuardType(Args[0]->getType())) {
      Op.K = OpKind::GuardSwap;
      Op.Guard = Args[0];
      Op.MovedFrom = Args[1];
      return Op;
    }
    if (const CallRole *R = findRole(Scope::StdFree, "", QN))
      return applyRole(*R, Op, QN, Object, Args);
    return Op;
  }

  // 5. C functions at file scope: pthreads, POSIX, the C library.
  if (!FD->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return Op;
  if (const CallRole *R = findRole(Scope::C, "", Name))
    return applyRole(*R, Op, Name, Object, Args);
  return Op;
}

} // namespace lockstep
