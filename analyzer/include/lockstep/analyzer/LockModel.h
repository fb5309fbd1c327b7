//===- LockModel.h - What each call does to locks ---------------*- C++ -*-===//
//
// The table of roles: given a call or constructor, says whether it acquires,
// releases or try-acquires a lock (and which operand is the lock), builds or
// drives a guard object, waits on a condition variable, or blocks. Standard
// library and pthread primitives are known by name; user types and functions
// are recognised by Clang thread-safety attributes and by the wrappers and
// blocking functions of the user's Config. The model knows nothing about
// control flow: the dataflow layer applies these roles along the CFG.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_LOCKMODEL_H
#define LOCKSTEP_ANALYZER_LOCKMODEL_H

#include "lockstep/analyzer/Config.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>

namespace clang {
class ASTContext;
class CXXRecordDecl;
class Expr;
class FunctionDecl;
class QualType;
class Stmt;
} // namespace clang

namespace lockstep {

/// How a try-acquisition's result tells success: the result equals Value
/// (Equal) or differs from it (NotEqual). `bool try_lock()` succeeds when the
/// result is != 0, `pthread_mutex_trylock` when it is == 0, `std::try_lock`
/// when it is == -1.
struct SuccessTest {
  bool Equal = false;
  std::int64_t Value = 0;
};

/// What a guard constructor does with the mutexes it is given.
enum class GuardMode : std::uint8_t { Lock, Defer, Try, Adopt };

/// One role of one call.
struct Operation {
  enum class Kind : std::uint8_t {
    None,
    Acquire,      ///< Locks = {the lock}; Shared tells reader/writer
    TryAcquire,   ///< Locks; Success says which result means acquired
    Release,      ///< Locks; Generic: either mode
    MultiAcquire, ///< std::lock(a, b, ...): all at once, no order between
    MultiTry,     ///< std::try_lock(a, b, ...)
    GuardCtor,    ///< a guard object constructed over Locks with Mode
    GuardMoveCtor,///< a guard constructed from another guard (MovedFrom)
    GuardMoveAssign, ///< guard = std::move(other) (MovedFrom)
    GuardSwap,    ///< lk.swap(other), std::swap(lk, other) (MovedFrom)
    GuardLock,    ///< lk.lock()
    GuardTryLock, ///< lk.try_lock(), try_lock_for, try_lock_until
    GuardUnlock,  ///< lk.unlock()
    GuardRelease, ///< lk.release(): the mutex stays locked, unmanaged
    GuardOwns,    ///< lk.owns_lock(), (bool)lk
    CvWait,       ///< cv.wait(lk ...): CvLock is the lock argument
    Blocking,     ///< a call that may block indefinitely (What says which)
    AssertHeld,   ///< assert_capability: the lock is held here (Locks)
  };
  Kind K = Kind::None;
  bool Shared = false;
  bool Generic = false;
  /// The lock operands, as written in the caller (after applying attribute
  /// arguments to the call, see LockModel::lockOperands).
  llvm::SmallVector<const clang::Expr *, 2> Locks;
  /// For attribute-described operations: lock expressions written in the
  /// callee's terms (its parameters, `this` members); the dataflow maps them
  /// into the caller with LockPath::substitute.
  llvm::SmallVector<const clang::Expr *, 2> CalleeLocks;
  const clang::FunctionDecl *Callee = nullptr;
  /// The operand is the object the method is called on (attributes without
  /// arguments, config wrappers acquiring `this`).
  bool ThisIsLock = false;
  /// The object a method is called on (null for free functions/ctors).
  const clang::Expr *Object = nullptr;
  SuccessTest Success{false, 0};
  /// Acquire: the call returns an error code, Success when it took the lock
  /// (pthread_mutex_lock): a branch on the result decides it.
  bool ResultTells = false;
  GuardMode Mode = GuardMode::Lock;
  /// The guard object operated on (method calls), or the guard moved from.
  const clang::Expr *Guard = nullptr;
  const clang::Expr *MovedFrom = nullptr;
  const clang::Expr *CvLock = nullptr;
  bool CvHasPredicate = false;
  std::string What; ///< Blocking: e.g. "'std::this_thread::sleep_for'"
};

class LockModel {
public:
  explicit LockModel(const Config &Cfg);

  /// The role of \p S (a CallExpr of any kind or a CXXConstructExpr);
  /// Kind::None for anything else. Attribute arguments that name the
  /// callee's parameters are returned as the matching call arguments.
  /// \p Target names the function an indirect call is known to reach (a
  /// function pointer initialised from it); direct calls ignore it.
  Operation classify(const clang::Stmt *S, clang::ASTContext &Ctx,
                     const clang::FunctionDecl *Target = nullptr) const;

  /// True for types whose objects are locks: the standard mutexes,
  /// pthread_mutex_t / pthread_rwlock_t, and capability-annotated classes.
  static bool isLockType(clang::QualType T);
  /// Recursive mutexes may be re-acquired by their owner.
  static bool isRecursiveLockType(clang::QualType T);
  /// lock_guard, unique_lock, scoped_lock, shared_lock and
  /// scoped_lockable-annotated classes.
  static bool isGuardType(clang::QualType T);
  /// Guards that can be moved, unlocked and relocked (unique_lock,
  /// shared_lock, scoped_lockable classes).
  static bool isMovableGuardType(clang::QualType T);
  /// Whether the config describes \p FD as a lock wrapper.
  bool isConfigWrapper(const clang::FunctionDecl *FD) const;

private:
  Operation classifyCall(const clang::Stmt *S, clang::ASTContext &Ctx,
                         const clang::FunctionDecl *Target) const;
  Operation classifyConstruct(const clang::Stmt *S,
                              clang::ASTContext &Ctx) const;
  llvm::StringMap<WrapperSpec> Wrappers;
  llvm::StringMap<bool> Blocking;
};

/// If \p E throws on ordinary inputs, how to name it in a message
/// ("'std::vector::at'", "the new expression"); "" otherwise. This is the
/// short table of operations whose throw is part of their contract: `at`
/// of the standard containers, `value()` of optional/expected, `get()` of a
/// future, `std::stoi` and its siblings, `std::any_cast` and `std::get` of a
/// variant, `std::rethrow_exception`, a throwing `new` expression and a
/// `dynamic_cast` to a reference. Calls that throw only when memory runs
/// out inside the library (a container's growth, a string copy) are not in
/// it; see lock-not-released.md.
std::string knownThrower(const clang::Expr *E);

/// The name of \p D's class if it is declared directly in namespace std
/// (inline namespaces looked through), else "".
llvm::StringRef stdRecordName(const clang::CXXRecordDecl *D);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_LOCKMODEL_H
