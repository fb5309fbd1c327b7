//===- LockPath.h - The identity of a lock in the source --------*- C++ -*-===//
//
// A lock is named by where it lives: a root (this object, a parameter, a
// global or static, a local) followed by a chain of members and constant
// array indexes. Two expressions denote the same lock exactly when their
// paths are equal, so `this->mu_` in one member function and `mu_` in another
// are the same lock while `a.mu_` and `b.mu_` are not. Paths rooted at `this`
// or at parameters can be mapped into a caller by substituting the call's
// object and arguments, which is how function summaries travel.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_LOCKPATH_H
#define LOCKSTEP_ANALYZER_LOCKPATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>
#include <string>

namespace clang {
class Decl;
class Expr;
class FunctionDecl;
class ValueDecl;
class QualType;
} // namespace clang

namespace lockstep {

class LockPath {
public:
  enum class RootKind : std::uint8_t { This, Param, Global, Local };

  /// One step below the root: a member (field or static member reached
  /// through an object) or a constant array index.
  struct Step {
    const clang::ValueDecl *Member = nullptr; ///< null for an index step
    std::int64_t Index = 0;
    bool Arrow = false; ///< spelled `->` (for messages only)
    friend bool operator==(const Step &A, const Step &B) {
      return A.Member == B.Member && A.Index == B.Index;
    }
  };

  RootKind Kind = RootKind::Local;
  /// The parameter, global or local variable; null for `this`.
  const clang::ValueDecl *Root = nullptr;
  unsigned ParamIndex = 0; ///< For RootKind::Param.
  llvm::SmallVector<Step, 2> Steps;
  /// True when a step was a non-constant array index: such a path may or may
  /// not alias another element, so checks that need certainty skip it.
  bool Imprecise = false;

  /// A string equal for equal paths and different otherwise (pointer-based,
  /// only meaningful within one translation unit).
  std::string key() const;
  /// The lock as a reader would write it: "mu_", "q->mu", "locks[2]".
  std::string name() const;
  /// The lock's identity in the translation unit's lock-order graph, or ""
  /// when it has none. A global is itself; a member reached from `this` or a
  /// parameter is "the same member of the same class" (its chain of member
  /// declarations), since any two objects of the class nest their locks the
  /// same way. Locals, bare parameters and imprecise paths are left out.
  std::string orderKey() const;
  /// The declared type of the lock object (after the last step).
  const clang::ValueDecl *lastDecl() const;

  friend bool operator==(const LockPath &A, const LockPath &B) {
    return A.Kind == B.Kind && A.Root == B.Root &&
           A.ParamIndex == B.ParamIndex && A.Steps == B.Steps &&
           A.Imprecise == B.Imprecise;
  }
  friend bool operator!=(const LockPath &A, const LockPath &B) {
    return !(A == B);
  }

  /// The path of the object \p E denotes inside \p Fn (addresses and
  /// dereferences are looked through, references to locals are followed to
  /// their initializers), or nullopt when it is not a nameable object (a
  /// call result, a temporary ...).
  static std::optional<LockPath> fromExpr(const clang::Expr *E,
                                          const clang::FunctionDecl *Fn);
  /// The path `this` (the object a member function runs on).
  static LockPath thisObject();

  /// Maps a callee-relative path into the caller: `this` becomes \p Object,
  /// parameter i becomes \p Args[i]. Globals stay; callee locals and unknown
  /// substitutions give nullopt.
  std::optional<LockPath>
  substitute(const std::optional<LockPath> &Object,
             llvm::ArrayRef<std::optional<LockPath>> Args) const;
};

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_LOCKPATH_H
