//===- SourceCache.h - Source lines read once per file ----------*- C++ -*-===//
//
// Suppressions and fingerprints both need the text of the lines findings point
// at; this reads each file once. Not thread-safe: used after analysis.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_SOURCECACHE_H
#define LOCKSTEP_DIAGNOSTICS_SOURCECACHE_H

#include "llvm/ADT/StringRef.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

class SourceCache {
public:
  /// The lines of \p File without their line terminators, or nullptr when the
  /// file cannot be read.
  const std::vector<std::string> *lines(llvm::StringRef File);
  /// Line \p Line (1-based) of \p File, or "" when it does not exist.
  llvm::StringRef line(llvm::StringRef File, unsigned Line);

  /// Splits \p Text into lines, dropping "\n" and "\r\n" terminators.
  static std::vector<std::string> splitLines(llvm::StringRef Text);

private:
  std::map<std::string, std::optional<std::vector<std::string>>> Files;
};

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_SOURCECACHE_H
