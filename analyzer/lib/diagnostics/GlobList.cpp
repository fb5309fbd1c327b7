//===- GlobList.cpp - clang-tidy style check-name globs -------------------===//
#include "lockstep/diagnostics/GlobList.h"
#include "llvm/ADT/SmallVector.h"

using namespace lockstep;

GlobList::GlobList(llvm::StringRef Text) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  // clang-tidy accepts newlines as separators too (multi-line YAML strings).
  std::string Flat = Text.str();
  for (char &C : Flat)
    if (C == '\n' || C == '\r')
      C = ',';
  llvm::StringRef(Flat).split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    if (P.empty())
      continue;
    Item I;
    if (P.consume_front("-")) {
      I.Positive = false;
      P = P.ltrim();
    }
    I.Pattern = P.str();
    Items.push_back(std::move(I));
  }
}

bool GlobList::matches(llvm::StringRef Pattern, llvm::StringRef Name) {
  // Iterative wildcard match with single backtrack point: linear enough for
  // check names and immune to pathological recursion.
  size_t P = 0, N = 0, Star = llvm::StringRef::npos, Mark = 0;
  while (N < Name.size()) {
    if (P < Pattern.size() && Pattern[P] == '*') {
      Star = P++;
      Mark = N;
    } else if (P < Pattern.size() && Pattern[P] == Name[N]) {
      ++P;
      ++N;
    } else if (Star != llvm::StringRef::npos) {
      P = Star + 1;
      N = ++Mark;
    } else {
      return false;
    }
  }
  while (P < Pattern.size() && Pattern[P] == '*')
    ++P;
  return P == Pattern.size();
}

int GlobList::decide(llvm::StringRef Name) const {
  for (auto It = Items.rbegin(); It != Items.rend(); ++It)
    if (matches(It->Pattern, Name))
      return It->Positive ? 1 : 0;
  return -1;
}

bool GlobList::contains(llvm::StringRef Name) const {
  return decide(Name) == 1;
}
