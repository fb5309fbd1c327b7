//===- BaselineTest.cpp - Reading earlier outputs as a baseline -----------===//
#include "lockstep/diagnostics/Baseline.h"
#include "lockstep/diagnostics/Printers.h"
#include "gtest/gtest.h"

using namespace lockstep;

namespace {

Finding make(std::string File, std::string Check, std::string Msg) {
  Finding F;
  F.CheckId = std::move(Check);
  F.Message = std::move(Msg);
  F.Where = {std::move(File), 7, 3};
  return F;
}

Report reportOf(std::vector<ReportedFinding> Findings) {
  Report R;
  R.Findings = std::move(Findings);
  return R;
}

std::string errorOf(llvm::StringRef Text) {
  auto B = Baseline::parse(Text, "base.json");
  if (B)
    return "";
  return llvm::toString(B.takeError());
}

} // namespace

TEST(BaselineTest, JsonOutputRoundTrips) {
  Finding F = make("/src/a.cpp", "lock-double-lock", "twice");
  Finding G = make("/src/b.cpp", "cv-wait-without-predicate", "no predicate");
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printJson(reportOf({{F, "1111111111111111"}, {G, "2222222222222222"}}), OS);
  OS.flush();
  auto B = Baseline::parse(Text, "base.json");
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  EXPECT_EQ(B->remaining(), 2u);
  // A finding that moved to another line keeps its fingerprint: known.
  Finding Moved = F;
  Moved.Where.Line = 70;
  EXPECT_TRUE(B->consume(Moved, "1111111111111111"));
  // Each entry absorbs one finding only.
  EXPECT_FALSE(B->consume(F, "1111111111111111"));
  // Different line text, message, file or check: new.
  EXPECT_FALSE(B->consume(G, "3333333333333333"));
  EXPECT_FALSE(B->consume(make("/src/b.cpp", "cv-wait-without-predicate", "x"),
                          "2222222222222222"));
  EXPECT_FALSE(B->consume(make("/src/c.cpp", "cv-wait-without-predicate",
                               "no predicate"),
                          "2222222222222222"));
  EXPECT_TRUE(B->consume(make("/src/./b.cpp", "cv-wait-without-predicate",
                              "no predicate"),
                         "2222222222222222"));
  EXPECT_EQ(B->remaining(), 0u);
}

TEST(BaselineTest, SarifOutputRoundTrips) {
  Finding F = make("/src/with space.cpp", "lock-double-lock", "twice");
  F.Notes.push_back({{"/src/with space.cpp", 1, 1}, "first"});
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  std::vector<CheckInfo> Rules = {{"lock-double-lock", "Double lock",
                                   "analyzer/docs/checks/lock-double-lock.md"}};
  printSarif(reportOf({{F, "abababababababab"}}), Rules, OS);
  OS.flush();
  auto B = Baseline::parse(Text, "base.sarif");
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  EXPECT_EQ(B->remaining(), 1u);
  EXPECT_FALSE(B->consume(F, "abababababababac"));
  EXPECT_TRUE(B->consume(F, "abababababababab"));
}

TEST(BaselineTest, InvalidInputsAreErrorsNamingTheProblem) {
  EXPECT_NE(errorOf("{not json").find("base.json: invalid JSON"), std::string::npos);
  EXPECT_NE(errorOf("[1, 2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf("{\"a\": 1}").find("neither a lockstep-check JSON report"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"tool\": \"lockstep-check\", \"findings\": []}")
                .find("format-version"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"tool\": \"lockstep-check\", \"format-version\": 99, "
                    "\"findings\": []}")
                .find("not supported"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"tool\": \"lockstep-check\", \"format-version\": 1}")
                .find("missing array 'findings'"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"tool\": \"lockstep-check\", \"format-version\": 1, "
                    "\"findings\": [{\"check\": \"x\", \"message\": \"m\", "
                    "\"location\": {\"file\": \"/a\"}}]}")
                .find("findings[0]: missing string 'fingerprint'"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"version\": \"2.1.0\", \"runs\": [{\"results\": "
                    "[{\"ruleId\": \"x\", \"message\": {\"text\": \"m\"}}]}]}")
                .find("partialFingerprints"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"version\": \"2.0.0\", \"runs\": []}").find("2.1.0"),
            std::string::npos);
  EXPECT_EQ(errorOf("{\"tool\": \"lockstep-check\", \"format-version\": 1, "
                    "\"findings\": []}"),
            "");
}

TEST(BaselineTest, UnreadableFileIsAnError) {
  auto B = Baseline::load("/nonexistent/dir/base.json");
  ASSERT_FALSE(bool(B));
  std::string Msg = llvm::toString(B.takeError());
  EXPECT_NE(Msg.find("/nonexistent/dir/base.json: cannot read"), std::string::npos);
}
