//===- Config.cpp - Reading and finding .lockstep.yaml --------------------===//
//
// A small strict reader over llvm::yaml's node tree: every key is known, every
// value has the right type, and every error names file:line:column.
//
//===----------------------------------------------------------------------===//
#include "lockstep/analyzer/Config.h"
#include "lockstep/driver/CheckSelection.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include <algorithm>

using namespace lockstep;
namespace yaml = llvm::yaml;

namespace {

/// Collects the first error with its position; later errors are ignored so
/// the message stays about the root cause.
class ConfigReader {
public:
  ConfigReader(llvm::StringRef Path, llvm::StringRef Text)
      : Path(Path.str()), Text(Text), Stream(Text, SM, /*ShowColors=*/false) {
    SM.setDiagHandler(
        [](const llvm::SMDiagnostic &D, void *Ctx) {
          auto *Self = static_cast<ConfigReader *>(Ctx);
          Self->setError(D.getLineNo(), D.getColumnNo() + 1, D.getMessage());
        },
        this);
  }

  llvm::Expected<Config> read();

private:
  void setError(unsigned Line, unsigned Col, const llvm::Twine &Msg) {
    if (!Error.empty())
      return;
    Error = Path + ":" + std::to_string(Line) + ":" + std::to_string(Col) +
            ": " + Msg.str();
  }
  void error(yaml::Node *N, const llvm::Twine &Msg) {
    if (!N)
      return setError(0, 0, Msg);
    auto LC = SM.getLineAndColumn(N->getSourceRange().Start);
    setError(LC.first, LC.second, Msg);
  }
  bool failed() const { return !Error.empty(); }

  std::optional<std::string> scalar(yaml::Node *N, llvm::StringRef What);
  /// The key of \p KV, or nothing (after an error) when it is not a string
  /// or already appeared in the same mapping.
  std::optional<std::string> uniqueKey(yaml::KeyValueNode &KV,
                                       llvm::StringSet<> &Seen);
  std::optional<bool> boolean(yaml::Node *N, llvm::StringRef What);
  std::optional<int> lockOperand(yaml::Node *N, llvm::StringRef Key);
  void readWrapper(yaml::Node *N, Config &Cfg);
  void readCheckOptions(yaml::Node *N, Config &Cfg);
  void readTopLevel(yaml::MappingNode *Root, Config &Cfg);

  std::string Path;
  llvm::StringRef Text;
  llvm::SourceMgr SM;
  yaml::Stream Stream;
  std::string Error;
};

} // namespace

std::optional<std::string> ConfigReader::scalar(yaml::Node *N,
                                                llvm::StringRef What) {
  auto *S = llvm::dyn_cast_or_null<yaml::ScalarNode>(N);
  if (!S) {
    error(N, What + " must be a string");
    return std::nullopt;
  }
  llvm::SmallString<64> Storage;
  return S->getValue(Storage).str();
}

std::optional<std::string>
ConfigReader::uniqueKey(yaml::KeyValueNode &KV, llvm::StringSet<> &Seen) {
  auto Key = scalar(KV.getKey(), "a key");
  if (Key && !Seen.insert(*Key).second) {
    error(KV.getKey(), "duplicate key '" + *Key + "'");
    return std::nullopt;
  }
  return Key;
}

std::optional<bool> ConfigReader::boolean(yaml::Node *N, llvm::StringRef What) {
  auto V = scalar(N, What);
  if (!V)
    return std::nullopt;
  if (*V == "true")
    return true;
  if (*V == "false")
    return false;
  error(N, What + " must be true or false, not '" + *V + "'");
  return std::nullopt;
}

std::optional<int> ConfigReader::lockOperand(yaml::Node *N,
                                             llvm::StringRef Key) {
  auto V = scalar(N, ("'" + Key + "'").str());
  if (!V)
    return std::nullopt;
  if (*V == "this")
    return -1;
  unsigned Index;
  // Clang caps a function's parameters far below this; a larger index is a
  // typo, not a real argument.
  constexpr unsigned MaxIndex = 255;
  if (llvm::StringRef(*V).getAsInteger(10, Index) || Index > MaxIndex) {
    error(N, "'" + Key + "' must be 'this' or an argument index from 0 to " +
                 llvm::Twine(MaxIndex) + ", not '" + *V + "'");
    return std::nullopt;
  }
  return static_cast<int>(Index);
}

void ConfigReader::readWrapper(yaml::Node *N, Config &Cfg) {
  auto *M = llvm::dyn_cast<yaml::MappingNode>(N);
  if (!M) {
    error(N, "each entry of 'wrappers' must be a mapping with 'function' and "
             "one of 'acquires', 'releases', 'try-acquires'");
    return;
  }
  WrapperSpec W;
  W.Line = SM.getLineAndColumn(N->getSourceRange().Start).first;
  llvm::StringSet<> Seen;
  std::optional<bool> Success;
  yaml::Node *SuccessNode = nullptr;
  int Effects = 0;
  for (yaml::KeyValueNode &KV : *M) {
    if (failed())
      continue; // Keep iterating: the parser must reach the mapping's end.
    auto Key = uniqueKey(KV, Seen);
    if (!Key)
      continue;
    yaml::Node *V = KV.getValue();
    if (*Key == "function") {
      if (auto F = scalar(V, "'function'")) {
        if (llvm::StringRef(*F).trim().empty())
          error(V, "'function' must not be empty");
        W.Function = llvm::StringRef(*F).trim().str();
      }
    } else if (*Key == "acquires" || *Key == "releases" ||
               *Key == "try-acquires") {
      ++Effects;
      W.Kind = *Key == "acquires"   ? WrapperSpec::Effect::Acquire
               : *Key == "releases" ? WrapperSpec::Effect::Release
                                    : WrapperSpec::Effect::TryAcquire;
      if (auto Op = lockOperand(V, *Key))
        W.Argument = *Op;
    } else if (*Key == "shared") {
      if (auto B = boolean(V, "'shared'"))
        W.Shared = *B;
    } else if (*Key == "success") {
      Success = boolean(V, "'success'");
      SuccessNode = KV.getKey();
    } else {
      error(KV.getKey(), "unknown key '" + *Key +
                             "' in a wrapper (expected function, acquires, "
                             "releases, try-acquires, shared, success)");
    }
  }
  if (failed())
    return;
  if (W.Function.empty())
    return error(N, "a wrapper needs a 'function'");
  if (Effects != 1)
    return error(N, "wrapper '" + W.Function +
                        "' needs exactly one of 'acquires', 'releases', "
                        "'try-acquires'");
  if (SuccessNode && W.Kind != WrapperSpec::Effect::TryAcquire)
    return error(SuccessNode, "'success' only applies to 'try-acquires'");
  if (Success)
    W.Success = *Success;
  Cfg.Wrappers.push_back(std::move(W));
}

void ConfigReader::readCheckOptions(yaml::Node *N, Config &Cfg) {
  if (llvm::isa<yaml::NullNode>(N))
    return;
  auto *M = llvm::dyn_cast<yaml::MappingNode>(N);
  if (!M)
    return error(N, "'check-options' must be a mapping of "
                    "'<check-id>.<Option>' to true or false");
  llvm::StringSet<> Seen;
  for (yaml::KeyValueNode &KV : *M) {
    if (failed())
      continue;
    auto Key = uniqueKey(KV, Seen);
    if (!Key)
      continue;
    auto [Id, Name] = llvm::StringRef(*Key).rsplit('.');
    if (Id.empty() || Name.empty()) {
      error(KV.getKey(), "check option '" + *Key +
                             "' must be written '<check-id>.<Option>'");
      continue;
    }
    const CheckInfo *Info = nullptr;
    for (const CheckInfo &C : allChecks())
      if (C.Id == Id)
        Info = &C;
    if (!Info) {
      error(KV.getKey(), "check option '" + *Key +
                             "' names no check (see --list-checks)");
      continue;
    }
    if (std::find(Info->Options.begin(), Info->Options.end(), Name.str()) ==
        Info->Options.end()) {
      std::string Known;
      for (const std::string &O : Info->Options)
        Known += (Known.empty() ? "" : ", ") + O;
      error(KV.getKey(), "unknown option '" + Name + "' of check '" + Id +
                             "' (" +
                             (Known.empty() ? "it has none" : "it has " + Known) +
                             ")");
      continue;
    }
    if (auto B = boolean(KV.getValue(), "'" + *Key + "'"))
      Cfg.CheckOptions[*Key] = *B;
  }
}

void ConfigReader::readTopLevel(yaml::MappingNode *Root, Config &Cfg) {
  llvm::StringSet<> Seen;
  for (yaml::KeyValueNode &KV : *Root) {
    if (failed())
      continue;
    auto Key = uniqueKey(KV, Seen);
    if (!Key)
      continue;
    yaml::Node *V = KV.getValue();
    if (*Key == "checks") {
      auto Globs = scalar(V, "'checks'");
      if (!Globs)
        continue;
      if (auto E = validateCheckGlobs(*Globs)) {
        error(V, llvm::toString(std::move(E)));
        continue;
      }
      Cfg.Checks = *Globs;
    } else if (*Key == "wrappers" || *Key == "blocking-functions") {
      auto *Seq = llvm::dyn_cast<yaml::SequenceNode>(V);
      if (!Seq) {
        // An empty value ("wrappers:") is a null node: treat it as empty.
        if (llvm::isa<yaml::NullNode>(V))
          continue;
        error(V, "'" + *Key + "' must be a list");
        continue;
      }
      for (yaml::Node &Item : *Seq) {
        if (failed())
          continue;
        if (*Key == "wrappers") {
          readWrapper(&Item, Cfg);
        } else if (auto F = scalar(&Item, "each entry of 'blocking-functions'")) {
          if (llvm::StringRef(*F).trim().empty())
            error(&Item, "an entry of 'blocking-functions' is empty");
          else
            Cfg.BlockingFunctions.push_back(llvm::StringRef(*F).trim().str());
        }
      }
    } else if (*Key == "check-options") {
      readCheckOptions(V, Cfg);
    } else {
      error(KV.getKey(), "unknown key '" + *Key +
                             "' (expected checks, wrappers, "
                             "blocking-functions, check-options)");
    }
  }
}

llvm::Expected<Config> ConfigReader::read() {
  Config Cfg;
  Cfg.SourcePath = Path;
  // Parse everything once before judging any value: a syntax error further
  // on (`checks: [unclosed`) is the problem to report, not the half-read
  // node the reader would otherwise stumble on first.
  {
    yaml::Stream Syntax(Text, SM, /*ShowColors=*/false);
    for (yaml::Document &Doc : Syntax)
      Doc.skip();
    if (failed())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), Error);
  }
  unsigned Documents = 0;
  for (yaml::Document &Doc : Stream) {
    if (failed())
      break;
    if (++Documents > 1) {
      error(Doc.getRoot(), "a config file holds one YAML document");
      break;
    }
    yaml::Node *Root = Doc.getRoot();
    if (failed())
      break;
    if (!Root || llvm::isa<yaml::NullNode>(Root))
      continue; // An empty file is a valid, empty config.
    auto *M = llvm::dyn_cast<yaml::MappingNode>(Root);
    if (!M) {
      error(Root, "the top level must be a mapping (checks, wrappers, "
                  "blocking-functions, check-options)");
      break;
    }
    readTopLevel(M, Cfg);
  }
  if (failed())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), Error);
  return Cfg;
}

/// Why \p Text is not UTF-8 text, or "" when it is. YAML read as anything
/// else turns into garbage keys or, worse, an empty config.
static std::string encodingProblem(llvm::StringRef Text) {
  if (Text.startswith("\xFF\xFE") || Text.startswith("\xFE\xFF"))
    return "1:1: the file is UTF-16 encoded; save it as UTF-8";
  if (Text.startswith(llvm::StringRef("\0\0\xFE\xFF", 4)))
    return "1:1: the file is UTF-32 encoded; save it as UTF-8";
  size_t Nul = Text.find('\0');
  auto LineCol = [&](size_t Pos) {
    llvm::StringRef Before = Text.take_front(Pos);
    size_t Line = Before.count('\n') + 1;
    size_t LineStart = Before.rfind('\n');
    size_t Col = Pos - (LineStart == llvm::StringRef::npos ? 0 : LineStart + 1) + 1;
    return std::to_string(Line) + ":" + std::to_string(Col) + ": ";
  };
  if (Nul != llvm::StringRef::npos)
    return LineCol(Nul) + "a NUL byte: this is not a text file (UTF-16 without "
                          "a byte order mark? save it as UTF-8)";
  const auto *Begin = reinterpret_cast<const llvm::UTF8 *>(Text.data());
  const auto *Pos = Begin;
  if (!llvm::isLegalUTF8String(&Pos, Begin + Text.size()))
    return LineCol(Pos - Begin) + "invalid UTF-8: this is not a UTF-8 text file";
  return "";
}

llvm::Expected<Config> lockstep::loadConfigFile(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: cannot read config file: %s",
                                   Path.c_str(),
                                   Buf.getError().message().c_str());
  std::string Bad = encodingProblem((*Buf)->getBuffer());
  if (!Bad.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Path + ":" + Bad);
  ConfigReader Reader(Path, (*Buf)->getBuffer());
  return Reader.read();
}

std::optional<std::string>
lockstep::findConfigFor(const std::string &SourceFile) {
  llvm::SmallString<256> Abs(SourceFile);
  if (llvm::sys::fs::make_absolute(Abs))
    return std::nullopt;
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  llvm::StringRef Dir = llvm::sys::path::parent_path(Abs);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".lockstep.yaml");
    if (llvm::sys::fs::exists(Candidate))
      return std::string(Candidate.str());
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  return std::nullopt;
}
