//===- Baseline.h - Findings already known from an earlier run --*- C++ -*-===//
//
// `--baseline=FILE` reads an earlier `--format=json` or `--format=sarif`
// output. A new finding is "known" when an entry has the same check ID, file,
// message and fingerprint (which hashes the finding's line text, not its line
// number, so edits that only shift lines keep old findings known). Each entry
// absorbs at most one finding: a second identical finding is new.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_BASELINE_H
#define LOCKSTEP_DIAGNOSTICS_BASELINE_H

#include "lockstep/analyzer/Finding.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <utility>

namespace lockstep {

class Baseline {
public:
  /// Reads \p Path. Errors (unreadable file, invalid JSON, neither a
  /// lockstep-check JSON report nor a SARIF log, a malformed entry) name the
  /// file and what is wrong.
  static llvm::Expected<Baseline> load(llvm::StringRef Path);
  /// Parses the text of a baseline; \p Origin names it in errors.
  static llvm::Expected<Baseline> parse(llvm::StringRef Text,
                                        llvm::StringRef Origin);

  /// Adds one known finding (used by parse(), and by tests).
  void addKnown(llvm::StringRef CheckId, llvm::StringRef File,
                llvm::StringRef Message, llvm::StringRef Fingerprint);

  /// True, and one matching entry used up, when \p F with fingerprint \p FP
  /// is known.
  bool consume(const Finding &F, llvm::StringRef FP);

  /// Number of entries not yet used up.
  size_t remaining() const;

private:
  /// A digest of (check, file, message, fingerprint).
  using Key = std::pair<uint64_t, uint64_t>;
  static Key keyOf(llvm::StringRef CheckId, llvm::StringRef File,
                   llvm::StringRef Message, llvm::StringRef FP);
  llvm::DenseMap<Key, unsigned> Counts;
};

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_BASELINE_H
