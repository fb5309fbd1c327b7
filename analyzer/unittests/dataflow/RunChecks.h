//===- RunChecks.h - Runs the checks in-process on a code snippet ---------===//
#ifndef LOCKSTEP_UNITTESTS_DATAFLOW_RUNCHECKS_H
#define LOCKSTEP_UNITTESTS_DATAFLOW_RUNCHECKS_H

#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Config.h"
#include "lockstep/analyzer/Finding.h"
#include <string>
#include <utility>
#include <vector>

namespace lockstep::test {

/// Parses \p Code as C++20 (file name "input.cpp") and runs the checks
/// whose ID starts with \p CheckPrefix ("" for all). Returns the findings;
/// a snippet that does not compile gives a finding with CheckId "error".
std::vector<Finding> runChecks(const std::string &Code,
                               const std::string &CheckPrefix = "",
                               const Config &Cfg = Config(),
                               std::vector<std::string> ExtraArgs = {},
                               const std::string &FileName = "input.cpp");

/// The (check id, line) pairs of \p Findings, sorted.
std::vector<std::pair<std::string, unsigned>>
idLines(const std::vector<Finding> &Findings);

} // namespace lockstep::test

#endif
