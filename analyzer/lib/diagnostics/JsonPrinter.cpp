//===- JsonPrinter.cpp - The documented, versioned JSON report ------------===//
#include "lockstep/diagnostics/Printers.h"
#include "llvm/Support/JSON.h"

using namespace lockstep;

static void printLocation(llvm::json::OStream &J, const SourcePoint &P) {
  J.attributeObject("location", [&] {
    J.attribute("file", P.File);
    J.attribute("line", static_cast<int64_t>(P.Line));
    J.attribute("column", static_cast<int64_t>(P.Column));
  });
}

void lockstep::printJson(const Report &R, llvm::raw_ostream &OS) {
  llvm::json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attribute("tool", "lockstep-check");
    J.attribute("version", toolVersion());
    J.attribute("format-version", JsonFormatVersion);
    J.attributeArray("findings", [&] {
      for (const ReportedFinding &RF : R.Findings) {
        const Finding &F = RF.F;
        J.object([&] {
          J.attribute("check", F.CheckId);
          J.attribute("severity", severityName(F.Level));
          J.attribute("message", F.Message);
          printLocation(J, F.Where);
          J.attributeArray("notes", [&] {
            for (const FindingNote &N : F.Notes)
              J.object([&] {
                J.attribute("message", N.Message);
                printLocation(J, N.Where);
              });
          });
          J.attribute("fingerprint", RF.Fingerprint);
        });
      }
    });
    J.attributeArray("errors", [&] {
      for (const ToolError &E : R.Errors)
        J.object([&] {
          J.attribute("file", E.File);
          J.attribute("message", E.Message);
          if (!E.Details.empty())
            J.attribute("details", E.Details);
        });
    });
  });
  OS << '\n';
}
