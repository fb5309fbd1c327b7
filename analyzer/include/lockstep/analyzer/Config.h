//===- Config.h - The user's .lockstep.yaml ---------------------*- C++ -*-===//
//
// What a project tells lockstep-check about itself: which checks run, and the
// in-house wrappers that act like lock primitives but carry no annotations.
//
// File format (YAML; every key optional):
//
//   checks: '-*,lock-*'          # clang-tidy glob syntax; --checks is applied after it
//   wrappers:
//     - function: 'MyMutex::Acquire'   # qualified name, as written in the code
//       acquires: this                 # 'this' or a 0-based argument index
//     - function: 'MyMutex::Release'
//       releases: this
//     - function: 'MyMutex::TryAcquire'
//       try-acquires: this
//       success: true                  # the return value that means "acquired"
//     - function: 'lock_it'
//       acquires: 0
//       shared: false                  # true: a shared (reader) acquisition
//   blocking-functions: ['MyQueue::Pop', 'rpc::Call']  # also count as blocking
//   check-options:                 # '<check-id>.<Option>': true or false
//     lock-not-released.AllCallsMayThrow: true   # options are on each check's page
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_CONFIG_H
#define LOCKSTEP_ANALYZER_CONFIG_H

#include "llvm/Support/Error.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

/// One in-house function that acquires or releases a lock it is handed.
struct WrapperSpec {
  enum class Effect { Acquire, Release, TryAcquire };
  std::string Function; ///< Qualified name, e.g. "ns::MyMutex::Acquire".
  Effect Kind = Effect::Acquire;
  int Argument = -1;    ///< The lock operand: -1 means `this`, else arg index.
  bool Shared = false;  ///< A shared (reader) acquisition or release.
  bool Success = true;  ///< For TryAcquire: the return value meaning success.
  unsigned Line = 0;    ///< Where the entry is in the config file (messages).
};

struct Config {
  std::string SourcePath; ///< Where it was read from ("" for the default).
  std::optional<std::string> Checks;
  std::vector<WrapperSpec> Wrappers;
  std::vector<std::string> BlockingFunctions;
  /// Boolean check options by '<check-id>.<Option>', each one a check
  /// declares (CheckInfo::Options).
  std::map<std::string, bool> CheckOptions;
  bool option(const std::string &Key, bool Default) const {
    auto It = CheckOptions.find(Key);
    return It == CheckOptions.end() ? Default : It->second;
  }
};

/// Reads and validates a config file. Errors name the file, line and the
/// offending key or value; an unknown key is an error, not silently ignored.
llvm::Expected<Config> loadConfigFile(const std::string &Path);

/// The nearest `.lockstep.yaml` in the directory of \p SourceFile or any of
/// its parents, or std::nullopt when there is none.
std::optional<std::string> findConfigFor(const std::string &SourceFile);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_CONFIG_H
