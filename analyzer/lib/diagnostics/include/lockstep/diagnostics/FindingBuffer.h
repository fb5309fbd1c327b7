//===- FindingBuffer.h - Collects findings from parallel TUs ----*- C++ -*-===//
//
// Every translation unit's findings go here; the result is de-duplicated
// (a header's finding seen from several TUs is reported once) and sorted so
// that output does not depend on the order TUs finished in.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_FINDINGBUFFER_H
#define LOCKSTEP_DIAGNOSTICS_FINDINGBUFFER_H

#include "lockstep/analyzer/Finding.h"
#include <mutex>
#include <vector>

namespace lockstep {

/// Orders findings by file, line, column, check ID, then message and notes:
/// a total order, so sorting is deterministic.
bool findingLess(const Finding &A, const Finding &B);
/// Whether two findings are the same in every field.
bool findingEqual(const Finding &A, const Finding &B);

/// Sorts \p Findings with findingLess() and removes exact duplicates.
void sortAndDeduplicate(std::vector<Finding> &Findings);

/// A thread-safe collector: add() from any thread, take() once at the end.
class FindingBuffer {
public:
  void add(std::vector<Finding> Findings);
  /// All findings added so far, sorted and de-duplicated; empties the buffer.
  std::vector<Finding> take();

private:
  std::mutex Mu;
  std::vector<Finding> All;
};

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_FINDINGBUFFER_H
