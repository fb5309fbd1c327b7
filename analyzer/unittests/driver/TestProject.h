//===- TestProject.h - Temporary projects and tool runs for tests -*- C++ -*-===//
//
// End-to-end tests write a small project (sources, compile_commands.json,
// configs) into a fresh temporary directory and run an executable on it,
// capturing its exit status, standard output and standard error.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_UNITTESTS_DRIVER_TESTPROJECT_H
#define LOCKSTEP_UNITTESTS_DRIVER_TESTPROJECT_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace lockstep::test {

struct ToolRun {
  int Status = -1;  ///< Exit status; -1 when killed or timed out.
  bool TimedOut = false;
  std::string Out;
  std::string Err;
};

/// Where a program's standard output goes.
enum class Stdout {
  Captured,   ///< A file read back into ToolRun::Out.
  DiskFull,   ///< /dev/full: every write fails with ENOSPC.
  ClosedPipe, ///< A pipe whose reading end is closed: writes fail (EPIPE).
};

/// Runs \p Program with \p Args in directory \p Cwd, killing it after
/// \p TimeoutSeconds (so a hang fails the test instead of stalling it), with
/// at most \p MemoryLimitMB of address space when not 0.
ToolRun runProgram(const std::string &Program,
                   const std::vector<std::string> &Args, const std::string &Cwd,
                   unsigned TimeoutSeconds = 240,
                   Stdout StdoutTo = Stdout::Captured,
                   unsigned MemoryLimitMB = 0);

/// A temporary directory removed when the object dies.
class TestProject {
public:
  TestProject();
  ~TestProject();
  TestProject(const TestProject &) = delete;
  TestProject &operator=(const TestProject &) = delete;

  const std::string &root() const { return Root; }
  /// The absolute path of \p Rel inside the project.
  std::string path(llvm::StringRef Rel) const;
  /// Writes \p Content to \p Rel, creating parent directories.
  void write(llvm::StringRef Rel, llvm::StringRef Content) const;
  std::string read(llvm::StringRef Rel) const;
  /// Writes \p Dir/compile_commands.json compiling each of \p Files
  /// (relative to the root) with clang++ -std=c++17 and \p Flags.
  void writeCompileCommands(const std::vector<std::string> &Files,
                            llvm::StringRef Dir = "build",
                            llvm::StringRef Flags = "") const;

private:
  std::string Root;
};

} // namespace lockstep::test

#endif // LOCKSTEP_UNITTESTS_DRIVER_TESTPROJECT_H
