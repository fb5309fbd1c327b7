//===- Driver.h - One run of lockstep-check ---------------------*- C++ -*-===//
//
// Everything lockstep-check does after parsing its command line: load the
// compilation database, configs and baseline, analyze the translation units in
// parallel, filter and print. The tool's main() and the end-to-end tests both
// call runLockstepCheck().
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_DRIVER_DRIVER_H
#define LOCKSTEP_DRIVER_DRIVER_H

#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace lockstep {

/// The exit status of lockstep-check (a promise to users).
enum ExitStatus : int {
  ExitClean = 0,    ///< Analysis ran, nothing reported.
  ExitFindings = 1, ///< Analysis ran, at least one finding reported.
  ExitError = 2,    ///< Usage or tool error (bad input, a TU failed, ...).
};

enum class OutputFormat { Text, Json, Sarif };

struct DriverOptions {
  std::string BuildPath;                ///< -p: dir with compile_commands.json (or the file).
  std::vector<std::string> Sources;     ///< Positional sources; empty: every DB entry.
  bool HaveExtraArgs = false;           ///< Whether `--` was given.
  std::vector<std::string> ExtraArgs;   ///< Arguments after `--`.
  std::string Checks;                   ///< --checks globs ("" = none given).
  OutputFormat Format = OutputFormat::Text;
  std::string OutputFile;               ///< --output ("" = standard output).
  std::string ConfigFile;               ///< --config ("" = nearest .lockstep.yaml).
  std::string BaselineFile;             ///< --baseline.
  unsigned Jobs = 0;                    ///< -j; 0 = hardware concurrency.
  bool ListChecks = false;              ///< --list-checks.
  bool ShowProgress = false;            ///< A progress line on \p Err.
};

/// Runs lockstep-check. The report goes to \p Out (unless OutputFile is set),
/// errors, warnings and the progress line to \p Err. Returns an ExitStatus.
/// Never throws; bad input of any kind yields ExitError and a message.
int runLockstepCheck(const DriverOptions &Opts, llvm::raw_ostream &Out,
                     llvm::raw_ostream &Err);

/// Prints `lockstep-check version X` and the LLVM it was built with.
void printVersion(llvm::raw_ostream &OS);

} // namespace lockstep

#endif // LOCKSTEP_DRIVER_DRIVER_H
