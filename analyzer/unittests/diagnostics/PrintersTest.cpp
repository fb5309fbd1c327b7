//===- PrintersTest.cpp - Text, JSON and SARIF output ---------------------===//
#include "lockstep/diagnostics/Printers.h"
#include "llvm/Support/JSON.h"
#include "gtest/gtest.h"

using namespace lockstep;
namespace json = llvm::json;

namespace {

Report sampleReport() {
  Report R;
  Finding F;
  F.CheckId = "lock-double-lock";
  F.Message = "mutex 'm' is already held";
  F.Where = {"/src/a.cpp", 12, 5};
  F.Notes.push_back({{"/src/a.cpp", 10, 3}, "mutex 'm' first acquired here"});
  R.Findings.push_back({F, "00000000000000aa"});
  Finding G;
  G.CheckId = "cv-wait-without-predicate";
  G.Level = Severity::Error;
  G.Message = "wait without a predicate";
  G.Where = {"/src/b c.cpp", 3, 1};
  R.Findings.push_back({G, "00000000000000bb"});
  R.Errors.push_back({"/src/broken.cpp", "the translation unit does not compile",
                      "/src/broken.cpp:1:1: error: unknown type name 'x'\n"});
  return R;
}

std::vector<CheckInfo> sampleRules() {
  return {{"cv-wait-without-predicate", "Waits without a predicate",
           "analyzer/docs/checks/cv-wait-without-predicate.md"},
          {"lock-double-lock", "Double lock", "analyzer/docs/checks/lock-double-lock.md"}};
}

std::string print(void (*P)(const Report &, llvm::raw_ostream &),
                  const Report &R) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  P(R, OS);
  OS.flush();
  return S;
}

json::Value parse(const std::string &S) {
  auto V = json::parse(S);
  EXPECT_TRUE(bool(V)) << llvm::toString(V.takeError());
  return V ? std::move(*V) : json::Value(nullptr);
}

} // namespace

TEST(PrintersTest, TextHasClangTidyShape) {
  EXPECT_EQ(print(printText, sampleReport()),
            "/src/a.cpp:12:5: warning: mutex 'm' is already held "
            "[lock-double-lock]\n"
            "/src/a.cpp:10:3: note: mutex 'm' first acquired here\n"
            "/src/b c.cpp:3:1: error: wait without a predicate "
            "[cv-wait-without-predicate]\n");
  EXPECT_EQ(print(printText, Report()), "");
}

TEST(PrintersTest, JsonHasTheDocumentedFields) {
  json::Value V = parse(print(printJson, sampleReport()));
  const json::Object *Root = V.getAsObject();
  ASSERT_TRUE(Root);
  EXPECT_EQ(Root->getString("tool"), llvm::StringRef("lockstep-check"));
  EXPECT_EQ(Root->getString("version"), toolVersion());
  EXPECT_EQ(Root->getInteger("format-version"), int64_t(JsonFormatVersion));
  const json::Array *Findings = Root->getArray("findings");
  ASSERT_TRUE(Findings);
  ASSERT_EQ(Findings->size(), 2u);
  const json::Object *F = (*Findings)[0].getAsObject();
  EXPECT_EQ(F->getString("check"), llvm::StringRef("lock-double-lock"));
  EXPECT_EQ(F->getString("severity"), llvm::StringRef("warning"));
  EXPECT_EQ(F->getString("message"), llvm::StringRef("mutex 'm' is already held"));
  EXPECT_EQ(F->getString("fingerprint"), llvm::StringRef("00000000000000aa"));
  const json::Object *Loc = F->getObject("location");
  ASSERT_TRUE(Loc);
  EXPECT_EQ(Loc->getString("file"), llvm::StringRef("/src/a.cpp"));
  EXPECT_EQ(Loc->getInteger("line"), int64_t(12));
  EXPECT_EQ(Loc->getInteger("column"), int64_t(5));
  const json::Array *Notes = F->getArray("notes");
  ASSERT_TRUE(Notes);
  ASSERT_EQ(Notes->size(), 1u);
  EXPECT_EQ((*Notes)[0].getAsObject()->getString("message"),
            llvm::StringRef("mutex 'm' first acquired here"));
  EXPECT_EQ((*Notes)[0].getAsObject()->getObject("location")->getInteger("line"), int64_t(10));
  EXPECT_EQ((*Findings)[1].getAsObject()->getString("severity"),
            llvm::StringRef("error"));
  const json::Array *Errors = Root->getArray("errors");
  ASSERT_TRUE(Errors);
  ASSERT_EQ(Errors->size(), 1u);
  EXPECT_EQ((*Errors)[0].getAsObject()->getString("file"),
            llvm::StringRef("/src/broken.cpp"));
  EXPECT_TRUE((*Errors)[0].getAsObject()->getString("details")->contains("unknown type"));
}

TEST(PrintersTest, SarifHasRulesResultsAndInvocations) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  printSarif(sampleReport(), sampleRules(), OS);
  OS.flush();
  json::Value V = parse(S);
  const json::Object *Root = V.getAsObject();
  ASSERT_TRUE(Root);
  EXPECT_EQ(Root->getString("version"), llvm::StringRef("2.1.0"));
  const json::Object *Run = (*Root->getArray("runs"))[0].getAsObject();
  const json::Object *Driver = Run->getObject("tool")->getObject("driver");
  EXPECT_EQ(Driver->getString("name"), llvm::StringRef("lockstep-check"));
  EXPECT_EQ(Driver->getString("version"), toolVersion());
  EXPECT_TRUE(Driver->getString("informationUri")->contains("://"));
  const json::Array *Rules = Driver->getArray("rules");
  ASSERT_EQ(Rules->size(), 2u);
  const json::Object *Rule1 = (*Rules)[1].getAsObject();
  EXPECT_EQ(Rule1->getString("id"), llvm::StringRef("lock-double-lock"));
  EXPECT_EQ(Rule1->getObject("shortDescription")->getString("text"),
            llvm::StringRef("Double lock"));
  EXPECT_TRUE(Rule1->getString("helpUri")->endswith(
      "analyzer/docs/checks/lock-double-lock.md"));

  const json::Array *Results = Run->getArray("results");
  ASSERT_EQ(Results->size(), 2u);
  const json::Object *R0 = (*Results)[0].getAsObject();
  EXPECT_EQ(R0->getString("ruleId"), llvm::StringRef("lock-double-lock"));
  EXPECT_EQ(R0->getInteger("ruleIndex"), int64_t(1));
  EXPECT_EQ(R0->getString("level"), llvm::StringRef("warning"));
  EXPECT_EQ(R0->getObject("message")->getString("text"),
            llvm::StringRef("mutex 'm' is already held"));
  const json::Object *Phys = (*R0->getArray("locations"))[0]
                                 .getAsObject()
                                 ->getObject("physicalLocation");
  EXPECT_EQ(Phys->getObject("artifactLocation")->getString("uri"),
            llvm::StringRef("file:///src/a.cpp"));
  EXPECT_EQ(Phys->getObject("region")->getInteger("startLine"), int64_t(12));
  EXPECT_EQ(Phys->getObject("region")->getInteger("startColumn"), int64_t(5));
  const json::Array *Related = R0->getArray("relatedLocations");
  ASSERT_EQ(Related->size(), 1u);
  EXPECT_EQ((*Related)[0].getAsObject()->getObject("message")->getString("text"),
            llvm::StringRef("mutex 'm' first acquired here"));
  EXPECT_EQ(R0->getObject("partialFingerprints")->getString(FingerprintKey),
            llvm::StringRef("00000000000000aa"));
  const json::Object *R1 = (*Results)[1].getAsObject();
  EXPECT_EQ(R1->getInteger("ruleIndex"), int64_t(0));
  EXPECT_EQ(R1->getString("level"), llvm::StringRef("error"));
  EXPECT_FALSE(R1->get("relatedLocations"));
  EXPECT_EQ((*R1->getArray("locations"))[0]
                .getAsObject()
                ->getObject("physicalLocation")
                ->getObject("artifactLocation")
                ->getString("uri"),
            llvm::StringRef("file:///src/b%20c.cpp"));

  const json::Object *Inv = (*Run->getArray("invocations"))[0].getAsObject();
  EXPECT_EQ(Inv->getBoolean("executionSuccessful"), false);
  const json::Array *Notifs = Inv->getArray("toolExecutionNotifications");
  ASSERT_EQ(Notifs->size(), 1u);
  EXPECT_EQ((*Notifs)[0].getAsObject()->getString("level"), llvm::StringRef("error"));
  EXPECT_TRUE((*Notifs)[0].getAsObject()->getObject("message")->getString("text")->contains(
      "does not compile"));
}

TEST(PrintersTest, SarifOmitsLocationsWithoutAFile) {
  Report R;
  Finding F;
  F.CheckId = "lock-double-lock";
  F.Message = "m";
  F.Where = {"/src/a.cpp", 1, 1};
  F.Notes.push_back({{"", 0, 0}, "in generated code"});
  R.Findings.push_back({F, "00000000000000aa"});
  std::string S;
  llvm::raw_string_ostream OS(S);
  printSarif(R, sampleRules(), OS);
  OS.flush();
  json::Value V = parse(S);
  const json::Object *Res = (*(*V.getAsObject()->getArray("runs"))[0]
                                  .getAsObject()
                                  ->getArray("results"))[0]
                                .getAsObject();
  const json::Object *Note = (*Res->getArray("relatedLocations"))[0].getAsObject();
  EXPECT_FALSE(Note->get("physicalLocation"));
  EXPECT_EQ(Note->getObject("message")->getString("text"),
            llvm::StringRef("in generated code"));
}

TEST(PrintersTest, OutputIsDeterministic) {
  EXPECT_EQ(print(printJson, sampleReport()), print(printJson, sampleReport()));
}
