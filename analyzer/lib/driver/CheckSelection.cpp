//===- CheckSelection.cpp - Which checks run ------------------------------===//
#include "lockstep/driver/CheckSelection.h"
#include "lockstep/diagnostics/GlobList.h"

using namespace lockstep;

llvm::Error lockstep::validateCheckGlobs(llvm::StringRef Globs,
                                         llvm::ArrayRef<CheckInfo> Known) {
  GlobList List(Globs);
  for (const GlobList::Item &I : List.items()) {
    bool Any = false;
    for (const CheckInfo &C : Known)
      Any |= GlobList::matches(I.Pattern, C.Id);
    if (Any)
      continue;
    std::string Shown = (I.Positive ? "" : "-") + I.Pattern;
    if (llvm::StringRef(I.Pattern).contains('*'))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "glob '%s' matches no check (see "
                                     "--list-checks)",
                                     Shown.c_str());
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown check '%s' (see --list-checks)",
                                   I.Pattern.c_str());
  }
  return llvm::Error::success();
}

llvm::Error lockstep::validateCheckGlobs(llvm::StringRef Globs) {
  return validateCheckGlobs(Globs, allChecks());
}

std::vector<std::string>
lockstep::enabledChecks(llvm::ArrayRef<CheckInfo> Known,
                        llvm::ArrayRef<std::string> Lists) {
  std::string All = "*";
  for (const std::string &L : Lists)
    All += "," + L;
  GlobList List(All);
  std::vector<std::string> Out;
  for (const CheckInfo &C : Known)
    if (List.contains(C.Id))
      Out.push_back(C.Id);
  return Out;
}
