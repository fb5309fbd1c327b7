//===- SarifPrinter.cpp - SARIF 2.1.0 output ------------------------------===//
#include "lockstep/diagnostics/Printers.h"
#include "llvm/Support/JSON.h"

using namespace lockstep;

static void printPhysicalLocation(llvm::json::OStream &J,
                                  const SourcePoint &P) {
  // A location without a file (a compiler-generated one) stays a location
  // with only its message: an empty URI would be invalid.
  if (P.File.empty())
    return;
  J.attributeObject("physicalLocation", [&] {
    J.attributeObject("artifactLocation",
                      [&] { J.attribute("uri", fileUriFromPath(P.File)); });
    // SARIF requires line and column to be >= 1: omit an unknown region.
    if (P.Line > 0)
      J.attributeObject("region", [&] {
        J.attribute("startLine", static_cast<int64_t>(P.Line));
        if (P.Column > 0)
          J.attribute("startColumn", static_cast<int64_t>(P.Column));
      });
  });
}

static void printMessage(llvm::json::OStream &J, llvm::StringRef Text) {
  J.attributeObject("message", [&] { J.attribute("text", Text); });
}

void lockstep::printSarif(const Report &R, llvm::ArrayRef<CheckInfo> Rules,
                          llvm::raw_ostream &OS) {
  std::string Base = docsBaseUri().str();
  if (!Base.empty() && Base.back() != '/')
    Base.push_back('/');
  llvm::json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attribute("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    J.attribute("version", "2.1.0");
    J.attributeArray("runs", [&] {
      J.object([&] {
        J.attributeObject("tool", [&] {
          J.attributeObject("driver", [&] {
            J.attribute("name", "lockstep-check");
            J.attribute("version", toolVersion());
            J.attribute("semanticVersion", toolVersion());
            J.attribute("informationUri", Base + "README.md");
            J.attributeArray("rules", [&] {
              for (const CheckInfo &C : Rules)
                J.object([&] {
                  J.attribute("id", C.Id);
                  J.attributeObject("shortDescription",
                                    [&] { J.attribute("text", C.Summary); });
                  J.attributeObject("fullDescription", [&] {
                    J.attribute("text", C.Summary + ". Documentation: " +
                                            C.DocPath);
                  });
                  J.attribute("helpUri", Base + C.DocPath);
                  J.attributeObject("defaultConfiguration",
                                    [&] { J.attribute("level", "warning"); });
                });
            });
          });
        });
        J.attributeArray("invocations", [&] {
          J.object([&] {
            J.attribute("executionSuccessful", R.Errors.empty());
            J.attributeArray("toolExecutionNotifications", [&] {
              for (const ToolError &E : R.Errors)
                J.object([&] {
                  J.attribute("level", "error");
                  std::string Text = E.Message;
                  if (!E.Details.empty())
                    Text += "\n" + E.Details;
                  printMessage(J, Text);
                  if (!E.File.empty())
                    J.attributeArray("locations", [&] {
                      J.object([&] {
                        J.attributeObject("physicalLocation", [&] {
                          J.attributeObject("artifactLocation", [&] {
                            J.attribute("uri", fileUriFromPath(E.File));
                          });
                        });
                      });
                    });
                });
            });
          });
        });
        J.attributeArray("results", [&] {
          for (const ReportedFinding &RF : R.Findings) {
            const Finding &F = RF.F;
            J.object([&] {
              J.attribute("ruleId", F.CheckId);
              for (size_t I = 0; I < Rules.size(); ++I)
                if (Rules[I].Id == F.CheckId)
                  J.attribute("ruleIndex", static_cast<int64_t>(I));
              J.attribute("level", severityName(F.Level));
              printMessage(J, F.Message);
              J.attributeArray("locations", [&] {
                J.object([&] { printPhysicalLocation(J, F.Where); });
              });
              if (!F.Notes.empty())
                J.attributeArray("relatedLocations", [&] {
                  for (size_t I = 0; I < F.Notes.size(); ++I)
                    J.object([&] {
                      J.attribute("id", static_cast<int64_t>(I));
                      printPhysicalLocation(J, F.Notes[I].Where);
                      printMessage(J, F.Notes[I].Message);
                    });
                });
              J.attributeObject("partialFingerprints", [&] {
                J.attribute(FingerprintKey, RF.Fingerprint);
              });
            });
          }
        });
      });
    });
  });
  OS << '\n';
}
