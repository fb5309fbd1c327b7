//===- Pipeline.h - From raw findings to the Report that is printed -*- C++ -*-===//
//
// The fixed order of the diagnostics layer: sort and de-duplicate, drop
// findings suppressed by NOLINT comments, fingerprint the rest, drop those
// known from the baseline.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DIAGNOSTICS_PIPELINE_H
#define LOCKSTEP_DIAGNOSTICS_PIPELINE_H

#include "lockstep/diagnostics/Baseline.h"
#include "lockstep/diagnostics/Report.h"
#include "lockstep/diagnostics/SourceCache.h"
#include <string>
#include <vector>

namespace lockstep {

/// What the filters removed, for a summary line on stderr.
struct FilterStats {
  unsigned SuppressedByNolint = 0;
  unsigned KnownInBaseline = 0;
  /// Unmatched NOLINTBEGIN/NOLINTEND comments, as "file:line: message".
  std::vector<std::string> NolintProblems;
};

/// Builds the report of \p Findings (any order, duplicates allowed) and
/// \p Errors. \p Known may be null (no baseline); entries it matches are used
/// up. Source lines are read through \p Sources.
Report buildReport(std::vector<Finding> Findings, std::vector<ToolError> Errors,
                   Baseline *Known, SourceCache &Sources, FilterStats &Stats);

} // namespace lockstep

#endif // LOCKSTEP_DIAGNOSTICS_PIPELINE_H
