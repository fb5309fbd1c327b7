//===- TextPrinter.cpp - clang-tidy-shaped text output --------------------===//
#include "lockstep/diagnostics/Printers.h"

using namespace lockstep;

static void printPoint(const SourcePoint &P, llvm::raw_ostream &OS) {
  OS << P.File << ':' << P.Line << ':' << P.Column << ": ";
}

void lockstep::printText(const Report &R, llvm::raw_ostream &OS) {
  for (const ReportedFinding &RF : R.Findings) {
    const Finding &F = RF.F;
    printPoint(F.Where, OS);
    OS << severityName(F.Level) << ": " << F.Message << " [" << F.CheckId
       << "]\n";
    for (const FindingNote &N : F.Notes) {
      printPoint(N.Where, OS);
      OS << "note: " << N.Message << '\n';
    }
  }
}

llvm::StringRef lockstep::toolVersion() { return LOCKSTEP_VERSION; }

llvm::StringRef lockstep::docsBaseUri() { return LOCKSTEP_DOCS_BASE_URI; }
