//===- Pipeline.cpp - From raw findings to the Report that is printed -----===//
#include "lockstep/diagnostics/Pipeline.h"
#include "lockstep/diagnostics/FindingBuffer.h"
#include "lockstep/diagnostics/Suppressions.h"

using namespace lockstep;

Report lockstep::buildReport(std::vector<Finding> Findings,
                             std::vector<ToolError> Errors, Baseline *Known,
                             SourceCache &Sources, FilterStats &Stats) {
  sortAndDeduplicate(Findings);
  NolintFilter Nolint(Sources);
  Report R;
  for (Finding &F : Findings) {
    if (Nolint.isSuppressed(F)) {
      ++Stats.SuppressedByNolint;
      continue;
    }
    std::string FP =
        computeFingerprint(F, Sources.line(F.Where.File, F.Where.Line));
    if (Known && Known->consume(F, FP)) {
      ++Stats.KnownInBaseline;
      continue;
    }
    R.Findings.push_back({std::move(F), std::move(FP)});
  }
  Stats.NolintProblems = Nolint.problems();
  R.Errors = std::move(Errors);
  return R;
}
