//===- Suppressions.cpp - NOLINT comments, as clang-tidy reads them -------===//
#include "lockstep/diagnostics/Suppressions.h"
#include <algorithm>

using namespace lockstep;

namespace {
enum class Kind { SameLine, NextLine, Begin, End };

struct Directive {
  Kind K;
  std::optional<std::string> Globs; ///< Text inside the parentheses.
};
} // namespace

/// Every NOLINT directive on one line, left to right.
static std::vector<Directive> directivesOn(llvm::StringRef Line) {
  std::vector<Directive> Out;
  size_t Pos = 0;
  while ((Pos = Line.find("NOLINT", Pos)) != llvm::StringRef::npos) {
    llvm::StringRef Rest = Line.substr(Pos + 6);
    Directive D{Kind::SameLine, std::nullopt};
    if (Rest.consume_front("NEXTLINE"))
      D.K = Kind::NextLine;
    else if (Rest.consume_front("BEGIN"))
      D.K = Kind::Begin;
    else if (Rest.consume_front("END"))
      D.K = Kind::End;
    if (Rest.startswith("(")) {
      size_t Close = Rest.find(')');
      // clang-tidy: an unclosed parenthesis means "every check".
      if (Close != llvm::StringRef::npos) {
        llvm::StringRef Inside = Rest.substr(1, Close - 1).trim();
        if (Inside != "*")
          D.Globs = Inside.str();
      }
    }
    Out.push_back(D);
    Pos += 6;
  }
  return Out;
}

static std::optional<GlobList> globsOf(const std::optional<std::string> &S) {
  if (!S)
    return std::nullopt;
  return GlobList(*S);
}

FileNolints lockstep::parseNolints(const std::vector<std::string> &Lines) {
  FileNolints Result;
  struct Open {
    unsigned Line;
    std::optional<std::string> Globs;
  };
  std::vector<Open> OpenBegins;
  for (unsigned I = 0; I < Lines.size(); ++I) {
    unsigned LineNo = I + 1;
    for (const Directive &D : directivesOn(Lines[I])) {
      switch (D.K) {
      case Kind::SameLine:
        Result.Ranges.push_back({LineNo, LineNo, globsOf(D.Globs)});
        break;
      case Kind::NextLine:
        Result.Ranges.push_back({LineNo + 1, LineNo + 1, globsOf(D.Globs)});
        break;
      case Kind::Begin:
        OpenBegins.push_back({LineNo, D.Globs});
        break;
      case Kind::End: {
        auto It = OpenBegins.rbegin();
        for (; It != OpenBegins.rend(); ++It)
          if (It->Globs == D.Globs)
            break;
        if (It == OpenBegins.rend()) {
          Result.Problems.emplace_back(
              LineNo, "unmatched 'NOLINTEND' comment without a previous "
                      "'NOLINTBEGIN' comment with the same checks");
          break;
        }
        Result.Ranges.push_back({It->Line, LineNo, globsOf(It->Globs)});
        OpenBegins.erase(std::next(It).base());
        break;
      }
      }
    }
  }
  for (const Open &O : OpenBegins)
    Result.Problems.emplace_back(
        O.Line, "unmatched 'NOLINTBEGIN' comment without a subsequent "
                "'NOLINTEND' comment with the same checks");
  std::sort(Result.Problems.begin(), Result.Problems.end());
  return Result;
}

const FileNolints &NolintFilter::nolintsOf(const std::string &File) {
  auto It = Files.find(File);
  if (It != Files.end())
    return It->second;
  FileNolints N;
  if (const std::vector<std::string> *Lines = Sources.lines(File))
    N = parseNolints(*Lines);
  return Files.emplace(File, std::move(N)).first->second;
}

bool NolintFilter::isSuppressed(const Finding &F) {
  const FileNolints &N = nolintsOf(F.Where.File);
  for (const NolintRange &R : N.Ranges) {
    if (F.Where.Line < R.FirstLine || F.Where.Line > R.LastLine)
      continue;
    if (!R.Checks || R.Checks->contains(F.CheckId))
      return true;
  }
  return false;
}

std::vector<std::string> NolintFilter::problems() const {
  std::vector<std::string> Out;
  for (const auto &[File, N] : Files)
    for (const auto &[Line, Msg] : N.Problems)
      Out.push_back(File + ":" + std::to_string(Line) + ": " + Msg);
  return Out;
}
