//===- Baseline.cpp - Findings already known from an earlier run ----------===//
#include "lockstep/diagnostics/Baseline.h"
#include "lockstep/diagnostics/Report.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <optional>

using namespace lockstep;
namespace json = llvm::json;

static llvm::Error baselineError(llvm::StringRef Origin, const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "baseline " + Origin + ": " + Msg);
}

Baseline::Key Baseline::keyOf(llvm::StringRef CheckId, llvm::StringRef File,
                              llvm::StringRef Message, llvm::StringRef FP) {
  // "a/./b.cpp" and "a/b.cpp" name the same file.
  llvm::SmallString<256> Norm(File);
  llvm::sys::path::remove_dots(Norm, /*remove_dot_dot=*/true);
  return Key(CheckId.str(), std::string(Norm.str()), Message.str(), FP.str());
}

void Baseline::addKnown(llvm::StringRef CheckId, llvm::StringRef File,
                        llvm::StringRef Message, llvm::StringRef Fingerprint) {
  ++Counts[keyOf(CheckId, File, Message, Fingerprint)];
}

bool Baseline::consume(const Finding &F, llvm::StringRef FP) {
  auto It = Counts.find(keyOf(F.CheckId, F.Where.File, F.Message, FP));
  if (It == Counts.end() || It->second == 0)
    return false;
  --It->second;
  return true;
}

size_t Baseline::remaining() const {
  size_t N = 0;
  for (const auto &KV : Counts)
    N += KV.second;
  return N;
}

/// The string member \p Key of \p O, if \p O and the member exist.
static std::optional<std::string> stringAt(const json::Object *O,
                                           llvm::StringRef Key) {
  if (!O)
    return std::nullopt;
  if (auto S = O->getString(Key))
    return S->str();
  return std::nullopt;
}

/// Reads a string member, reporting its absence with \p Where.
static llvm::Expected<std::string> needString(const json::Object &O,
                                              llvm::StringRef Key,
                                              llvm::StringRef Origin,
                                              const llvm::Twine &Where) {
  if (auto S = O.getString(Key))
    return S->str();
  return baselineError(Origin, Where + ": missing string '" + Key + "'");
}

static llvm::Error parseLockstepJson(const json::Object &Root,
                                     llvm::StringRef Origin, Baseline &B) {
  auto Version = Root.getInteger("format-version");
  if (!Version)
    return baselineError(Origin, "missing integer 'format-version'");
  if (*Version != JsonFormatVersion)
    return baselineError(Origin, "format-version " + llvm::Twine(*Version) +
                                     " is not supported (expected " +
                                     llvm::Twine(JsonFormatVersion) + ")");
  const json::Array *Findings = Root.getArray("findings");
  if (!Findings)
    return baselineError(Origin, "missing array 'findings'");
  for (size_t I = 0; I < Findings->size(); ++I) {
    std::string Where = "findings[" + std::to_string(I) + "]";
    const json::Object *F = (*Findings)[I].getAsObject();
    if (!F)
      return baselineError(Origin, Where + " is not an object");
    auto Check = needString(*F, "check", Origin, Where);
    if (!Check)
      return Check.takeError();
    auto Msg = needString(*F, "message", Origin, Where);
    if (!Msg)
      return Msg.takeError();
    auto FP = needString(*F, "fingerprint", Origin, Where);
    if (!FP)
      return FP.takeError();
    const json::Object *Loc = F->getObject("location");
    if (!Loc)
      return baselineError(Origin, Where + ": missing object 'location'");
    auto File = needString(*Loc, "file", Origin, Where + ".location");
    if (!File)
      return File.takeError();
    B.addKnown(*Check, *File, *Msg, *FP);
  }
  return llvm::Error::success();
}

static llvm::Error parseSarif(const json::Object &Root, llvm::StringRef Origin,
                              Baseline &B) {
  auto Version = Root.getString("version");
  if (!Version || *Version != "2.1.0")
    return baselineError(Origin, "SARIF 'version' must be \"2.1.0\"");
  const json::Array *Runs = Root.getArray("runs");
  if (!Runs)
    return baselineError(Origin, "missing array 'runs'");
  for (size_t R = 0; R < Runs->size(); ++R) {
    const json::Object *Run = (*Runs)[R].getAsObject();
    std::string RunWhere = "runs[" + std::to_string(R) + "]";
    if (!Run)
      return baselineError(Origin, RunWhere + " is not an object");
    const json::Array *Results = Run->getArray("results");
    if (!Results)
      continue; // A run that produced no results array knows no findings.
    for (size_t I = 0; I < Results->size(); ++I) {
      std::string Where = RunWhere + ".results[" + std::to_string(I) + "]";
      const json::Object *Res = (*Results)[I].getAsObject();
      if (!Res)
        return baselineError(Origin, Where + " is not an object");
      auto Rule = needString(*Res, "ruleId", Origin, Where);
      if (!Rule)
        return Rule.takeError();
      const json::Object *Msg = Res->getObject("message");
      auto Text = stringAt(Msg, "text");
      if (!Text)
        return baselineError(Origin, Where + ": missing 'message.text'");
      const json::Object *FPs = Res->getObject("partialFingerprints");
      auto FP = stringAt(FPs, FingerprintKey);
      if (!FP)
        return baselineError(Origin, Where + ": missing 'partialFingerprints." +
                                         FingerprintKey + "'");
      const json::Array *Locs = Res->getArray("locations");
      const json::Object *Loc0 =
          Locs && !Locs->empty() ? Locs->front().getAsObject() : nullptr;
      const json::Object *Phys =
          Loc0 ? Loc0->getObject("physicalLocation") : nullptr;
      const json::Object *Art =
          Phys ? Phys->getObject("artifactLocation") : nullptr;
      auto Uri = stringAt(Art, "uri");
      if (!Uri)
        return baselineError(
            Origin,
            Where + ": missing 'locations[0].physicalLocation.artifactLocation.uri'");
      B.addKnown(*Rule, pathFromFileUri(*Uri), *Text, *FP);
    }
  }
  return llvm::Error::success();
}

llvm::Expected<Baseline> Baseline::parse(llvm::StringRef Text,
                                         llvm::StringRef Origin) {
  auto Parsed = json::parse(Text);
  if (!Parsed)
    return baselineError(Origin, "invalid JSON: " +
                                     llvm::toString(Parsed.takeError()));
  const json::Object *Root = Parsed->getAsObject();
  if (!Root)
    return baselineError(Origin, "the top level is not a JSON object");
  Baseline B;
  if (stringAt(Root, "tool") == std::optional<std::string>("lockstep-check")) {
    if (auto E = parseLockstepJson(*Root, Origin, B))
      return std::move(E);
  } else if (Root->get("runs")) {
    if (auto E = parseSarif(*Root, Origin, B))
      return std::move(E);
  } else {
    return baselineError(Origin, "neither a lockstep-check JSON report "
                                 "(\"tool\": \"lockstep-check\") nor a SARIF "
                                 "log (\"runs\")");
  }
  return B;
}

llvm::Expected<Baseline> Baseline::load(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return baselineError(Path, "cannot read: " + Buf.getError().message());
  return parse((*Buf)->getBuffer(), Path);
}
