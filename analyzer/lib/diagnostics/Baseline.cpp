//===- Baseline.cpp - Findings already known from an earlier run ----------===//
#include "lockstep/diagnostics/Baseline.h"
#include "lockstep/diagnostics/Report.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MD5.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <cctype>
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
  // Only a 128-bit digest of the four fields is kept: a baseline of a
  // million findings is then 16 MB of keys, not the text of each finding.
  llvm::MD5 Hash;
  for (llvm::StringRef Part : {CheckId, llvm::StringRef(Norm), Message, FP}) {
    Hash.update(Part);
    Hash.update(llvm::ArrayRef<uint8_t>{0}); // no field runs into the next
  }
  llvm::MD5::MD5Result R;
  Hash.final(R);
  return {R.low(), R.high()};
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

/// One entry of a lockstep-check JSON report's "findings".
static llvm::Error readLockstepFinding(const json::Value &V, size_t I,
                                       llvm::StringRef Origin, Baseline &B) {
  std::string Where = "findings[" + std::to_string(I) + "]";
  const json::Object *F = V.getAsObject();
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
  return llvm::Error::success();
}

/// One entry of a SARIF run's "results".
static llvm::Error readSarifResult(const json::Value &V,
                                   const std::string &Where,
                                   llvm::StringRef Origin, Baseline &B) {
  const json::Object *Res = V.getAsObject();
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
  const json::Object *Phys = Loc0 ? Loc0->getObject("physicalLocation") : nullptr;
  const json::Object *Art = Phys ? Phys->getObject("artifactLocation") : nullptr;
  auto Uri = stringAt(Art, "uri");
  if (!Uri)
    return baselineError(
        Origin,
        Where + ": missing 'locations[0].physicalLocation.artifactLocation.uri'");
  B.addKnown(*Rule, pathFromFileUri(*Uri), *Text, *FP);
  return llvm::Error::success();
}

namespace {

/// Walks JSON text without building it: a baseline can be hundreds of
/// megabytes, and llvm::json's tree of it took fifty times its size. Only
/// the entries (one finding or SARIF result each) are parsed into values,
/// one at a time.
class JsonCursor {
public:
  explicit JsonCursor(llvm::StringRef Text) : Text(Text) {}

  /// Checks that the whole text is one JSON value; the message says where
  /// it is not.
  std::optional<std::string> validate() {
    Pos = 0;
    skipWs();
    if (!skipValue(0))
      return Problem;
    skipWs();
    if (Pos != Text.size())
      return where(Pos) + "text after the JSON value";
    return std::nullopt;
  }

  /// The kind of the value at \p At: '{', '[', '"', or another character.
  char kindAt(size_t At) const { return Text[skipWsFrom(At)]; }

  /// Calls \p F(Key, ValueOffset) for each member of the object at \p At
  /// (the text is valid: validate() passed).
  template <typename Fn> void members(size_t At, Fn F) {
    Pos = skipWsFrom(At) + 1; // '{'
    while (true) {
      skipWs();
      if (Text[Pos] == '}')
        return;
      if (Text[Pos] == ',') {
        ++Pos;
        skipWs();
      }
      std::string Key = decodeString();
      skipWs();
      ++Pos; // ':'
      skipWs();
      size_t Value = Pos;
      skipValue(0);
      size_t After = Pos;
      F(Key, Value);
      Pos = After;
    }
  }

  /// Calls \p F(Begin, End) for each element of the array at \p At.
  template <typename Fn> void elements(size_t At, Fn F) {
    Pos = skipWsFrom(At) + 1; // '['
    while (true) {
      skipWs();
      if (Text[Pos] == ']')
        return;
      if (Text[Pos] == ',') {
        ++Pos;
        skipWs();
      }
      size_t Begin = Pos;
      skipValue(0);
      size_t End = Pos;
      F(Begin, End);
      Pos = End;
    }
  }

  /// The value at \p At, parsed (for small values only).
  llvm::Expected<json::Value> parseAt(size_t At) {
    Pos = skipWsFrom(At);
    size_t Begin = Pos;
    skipValue(0);
    return json::parse(Text.slice(Begin, Pos));
  }

private:
  size_t skipWsFrom(size_t P) const {
    while (P < Text.size() && (Text[P] == ' ' || Text[P] == '\t' ||
                               Text[P] == '\n' || Text[P] == '\r'))
      ++P;
    return P;
  }
  void skipWs() { Pos = skipWsFrom(Pos); }
  std::string where(size_t P) const {
    llvm::StringRef Before = Text.take_front(P);
    size_t Line = Before.count('\n') + 1;
    size_t NL = Before.rfind('\n');
    size_t Col = P - (NL == llvm::StringRef::npos ? 0 : NL + 1) + 1;
    return "line " + std::to_string(Line) + ", column " + std::to_string(Col) +
           ": ";
  }
  bool fail(const std::string &Msg) {
    Problem = where(std::min(Pos, Text.size())) + Msg;
    return false;
  }
  bool skipString() {
    ++Pos; // '"'
    while (Pos < Text.size()) {
      char C = Text[Pos];
      if (C == '"') {
        ++Pos;
        return true;
      }
      if (C == '\\') {
        Pos += 2;
        continue;
      }
      if (static_cast<unsigned char>(C) < 0x20)
        return fail("control character in a string");
      ++Pos;
    }
    return fail("unterminated string");
  }
  /// A string's value (escapes are rare in keys: json::parse decodes them).
  std::string decodeString() {
    size_t Begin = Pos;
    skipString();
    llvm::StringRef Raw = Text.slice(Begin, Pos);
    if (!Raw.contains('\\'))
      return Raw.drop_front().drop_back().str();
    if (auto V = json::parse(Raw))
      if (auto S = V->getAsString())
        return S->str();
    return "";
  }
  bool skipValue(unsigned Depth) {
    if (Depth > 1000)
      return fail("nested too deeply");
    skipWs();
    if (Pos >= Text.size())
      return fail("expected a value");
    char C = Text[Pos];
    if (C == '"')
      return skipString();
    if (C == '{' || C == '[') {
      char Close = C == '{' ? '}' : ']';
      ++Pos;
      skipWs();
      if (Pos < Text.size() && Text[Pos] == Close) {
        ++Pos;
        return true;
      }
      while (true) {
        if (C == '{') {
          skipWs();
          if (Pos >= Text.size() || Text[Pos] != '"')
            return fail("expected a member name");
          if (!skipString())
            return false;
          skipWs();
          if (Pos >= Text.size() || Text[Pos] != ':')
            return fail("expected ':'");
          ++Pos;
        }
        if (!skipValue(Depth + 1))
          return false;
        skipWs();
        if (Pos < Text.size() && Text[Pos] == ',') {
          ++Pos;
          continue;
        }
        if (Pos < Text.size() && Text[Pos] == Close) {
          ++Pos;
          return true;
        }
        return fail(std::string("expected ',' or '") + Close + "'");
      }
    }
    for (llvm::StringRef Word : {"true", "false", "null"})
      if (Text.substr(Pos).startswith(Word)) {
        Pos += Word.size();
        return true;
      }
    size_t Begin = Pos;
    if (Pos < Text.size() && Text[Pos] == '-')
      ++Pos;
    while (Pos < Text.size() &&
           (std::isdigit(static_cast<unsigned char>(Text[Pos])) ||
            Text[Pos] == '.' || Text[Pos] == 'e' || Text[Pos] == 'E' ||
            Text[Pos] == '+' || Text[Pos] == '-'))
      ++Pos;
    if (Pos == Begin || !std::isdigit(static_cast<unsigned char>(Text[Pos - 1])))
      return fail("invalid JSON value");
    return true;
  }

  llvm::StringRef Text;
  size_t Pos = 0;
  std::string Problem;
};

} // namespace

llvm::Expected<Baseline> Baseline::parse(llvm::StringRef Text,
                                         llvm::StringRef Origin) {
  JsonCursor Cur(Text);
  if (auto Problem = Cur.validate())
    return baselineError(Origin, "invalid JSON: " + *Problem);
  if (Cur.kindAt(0) != '{')
    return baselineError(Origin, "the top level is not a JSON object");
  // The members that decide the format; the big arrays are only located.
  std::optional<std::string> Tool, SarifVersion;
  std::optional<json::Value> FormatVersion;
  std::optional<size_t> Findings, Runs;
  Cur.members(0, [&](const std::string &Key, size_t At) {
    if (Key == "findings")
      Findings = At;
    else if (Key == "runs")
      Runs = At;
    else if (Key == "tool" || Key == "version" || Key == "format-version") {
      auto V = Cur.parseAt(At);
      if (!V) { // then it is missing, as the checks below say
        llvm::consumeError(V.takeError());
        return;
      }
      if (Key == "format-version")
        FormatVersion = std::move(*V);
      else if (auto S = V->getAsString())
        (Key == "tool" ? Tool : SarifVersion) = S->str();
    }
  });

  Baseline B;
  // One entry at a time: parsed, read into a key, dropped.
  auto EachEntry = [&](size_t ArrayAt, auto &&Read) -> llvm::Error {
    llvm::Error E = llvm::Error::success();
    size_t Index = 0;
    Cur.elements(ArrayAt, [&](size_t Begin, size_t) {
      if (E) {
        ++Index;
        return;
      }
      auto V = Cur.parseAt(Begin);
      if (!V)
        E = baselineError(Origin, "invalid JSON in entry " +
                                      std::to_string(Index) + ": " +
                                      llvm::toString(V.takeError()));
      else
        E = Read(*V, Index);
      ++Index;
    });
    return E;
  };

  if (Tool == std::optional<std::string>("lockstep-check")) {
    if (!FormatVersion || !FormatVersion->getAsInteger())
      return baselineError(Origin, "missing integer 'format-version'");
    int64_t Version = *FormatVersion->getAsInteger();
    if (Version != JsonFormatVersion)
      return baselineError(Origin, "format-version " + llvm::Twine(Version) +
                                       " is not supported (expected " +
                                       llvm::Twine(JsonFormatVersion) + ")");
    if (!Findings || Cur.kindAt(*Findings) != '[')
      return baselineError(Origin, "missing array 'findings'");
    if (auto E = EachEntry(*Findings, [&](const json::Value &V, size_t I) {
          return readLockstepFinding(V, I, Origin, B);
        }))
      return std::move(E);
    return B;
  }
  if (Runs) {
    if (SarifVersion != std::optional<std::string>("2.1.0"))
      return baselineError(Origin, "SARIF 'version' must be \"2.1.0\"");
    if (Cur.kindAt(*Runs) != '[')
      return baselineError(Origin, "missing array 'runs'");
    std::vector<std::pair<size_t, size_t>> RunsAt;
    Cur.elements(*Runs, [&](size_t Begin, size_t End) {
      RunsAt.push_back({Begin, End});
    });
    for (size_t R = 0; R < RunsAt.size(); ++R) {
      std::string RunWhere = "runs[" + std::to_string(R) + "]";
      if (Cur.kindAt(RunsAt[R].first) != '{')
        return baselineError(Origin, RunWhere + " is not an object");
      std::optional<size_t> Results;
      Cur.members(RunsAt[R].first, [&](const std::string &Key, size_t At) {
        if (Key == "results")
          Results = At;
      });
      // A run that produced no results array knows no findings.
      if (!Results || Cur.kindAt(*Results) != '[')
        continue;
      if (auto E = EachEntry(*Results, [&](const json::Value &V, size_t I) {
            return readSarifResult(V, RunWhere + ".results[" +
                                          std::to_string(I) + "]",
                                   Origin, B);
          }))
        return std::move(E);
    }
    return B;
  }
  return baselineError(Origin, "neither a lockstep-check JSON report "
                               "(\"tool\": \"lockstep-check\") nor a SARIF "
                               "log (\"runs\")");
}

llvm::Expected<Baseline> Baseline::load(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return baselineError(Path, "cannot read: " + Buf.getError().message());
  return parse((*Buf)->getBuffer(), Path);
}
