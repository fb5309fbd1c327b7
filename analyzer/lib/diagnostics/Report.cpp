//===- Report.cpp - Fingerprints, severities and file URIs ----------------===//
#include "lockstep/diagnostics/Report.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include <cctype>
#include <cstdio>

using namespace lockstep;

std::string lockstep::normalizeLineText(llvm::StringRef Line) {
  std::string Out;
  for (char C : Line)
    if (!std::isspace(static_cast<unsigned char>(C)))
      Out.push_back(C);
  return Out;
}

std::string lockstep::computeFingerprint(const Finding &F,
                                         llvm::StringRef LineText) {
  // NUL separators keep ("ab","c") and ("a","bc") apart.
  std::string Key = F.CheckId;
  Key.push_back('\0');
  Key += F.Message;
  Key.push_back('\0');
  Key += normalizeLineText(LineText);
  char Buf[17];
  std::snprintf(Buf, sizeof(Buf), "%016llx",
                static_cast<unsigned long long>(llvm::xxHash64(Key)));
  return Buf;
}

llvm::StringRef lockstep::severityName(Severity S) {
  return S == Severity::Error ? "error" : "warning";
}

std::string lockstep::fileUriFromPath(llvm::StringRef Path) {
  std::string Out = "file://";
  if (!Path.startswith("/"))
    Out.push_back('/');
  for (unsigned char C : Path) {
    if (std::isalnum(C) || llvm::StringRef("-._~/").contains(C)) {
      Out.push_back(static_cast<char>(C));
    } else {
      char Buf[4];
      std::snprintf(Buf, sizeof(Buf), "%%%02X", C);
      Out += Buf;
    }
  }
  return Out;
}

std::string lockstep::pathFromFileUri(llvm::StringRef Uri) {
  if (!Uri.consume_front("file://"))
    return Uri.str();
  // "file:///abs" leaves "/abs"; "file://host/abs" keeps only the path.
  if (!Uri.startswith("/"))
    Uri = Uri.drop_until([](char C) { return C == '/'; });
  std::string Out;
  for (size_t I = 0; I < Uri.size(); ++I) {
    unsigned V;
    if (Uri[I] == '%' && I + 2 < Uri.size() &&
        !Uri.substr(I + 1, 2).getAsInteger(16, V)) {
      Out.push_back(static_cast<char>(V));
      I += 2;
    } else {
      Out.push_back(Uri[I]);
    }
  }
  return Out;
}
