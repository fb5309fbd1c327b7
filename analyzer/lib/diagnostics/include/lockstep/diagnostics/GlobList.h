//===- GlobList.h - clang-tidy style check-name globs -----------*- C++ -*-===//
//
// The glob lists of `--checks`, the config file's `checks:` and NOLINT(...)
// comments, with clang-tidy's meaning.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_GLOBLIST_H
#define LOCKSTEP_DIAGNOSTICS_GLOBLIST_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace lockstep {

/// A comma- (or newline-) separated list of globs such as `-*,lock-*,cv-*`.
/// Items are trimmed, empty items ignored; `*` matches any run of characters
/// and a leading `-` makes an item exclude what it matches. The last item that
/// matches a name decides; a name no item matches is not contained.
class GlobList {
public:
  struct Item {
    std::string Pattern; ///< Without the leading '-'.
    bool Positive = true;
  };

  GlobList() = default;
  explicit GlobList(llvm::StringRef Text);

  /// Whether the last matching item is positive (false when none matches).
  bool contains(llvm::StringRef Name) const;
  /// Whether any item matches \p Name, and if so whether the last one that
  /// does is positive: -1 no match, 0 excluded, 1 included.
  int decide(llvm::StringRef Name) const;

  const std::vector<Item> &items() const { return Items; }

  /// Whether \p Pattern (which may contain `*`) matches all of \p Name.
  static bool matches(llvm::StringRef Pattern, llvm::StringRef Name);

private:
  std::vector<Item> Items;
};

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_GLOBLIST_H
