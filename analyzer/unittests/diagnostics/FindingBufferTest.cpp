//===- FindingBufferTest.cpp - Sorting, de-duplication, fingerprints ------===//
#include "lockstep/diagnostics/FindingBuffer.h"
#include "lockstep/diagnostics/Report.h"
#include "gtest/gtest.h"
#include <thread>

using namespace lockstep;

static Finding make(std::string File, unsigned Line, unsigned Col,
                    std::string Check, std::string Msg = "m") {
  Finding F;
  F.CheckId = std::move(Check);
  F.Message = std::move(Msg);
  F.Where = {std::move(File), Line, Col};
  return F;
}

TEST(FindingBufferTest, SortsByFileLineColumnCheck) {
  std::vector<Finding> V = {make("/b.cpp", 1, 1, "x"), make("/a.cpp", 9, 1, "x"),
                            make("/a.cpp", 2, 7, "y"), make("/a.cpp", 2, 7, "a"),
                            make("/a.cpp", 2, 3, "z")};
  sortAndDeduplicate(V);
  ASSERT_EQ(V.size(), 5u);
  EXPECT_EQ(V[0].CheckId, "z");
  EXPECT_EQ(V[1].CheckId, "a");
  EXPECT_EQ(V[2].CheckId, "y");
  EXPECT_EQ(V[3].Where.Line, 9u);
  EXPECT_EQ(V[4].Where.File, "/b.cpp");
}

TEST(FindingBufferTest, RemovesExactDuplicatesOnly) {
  Finding A = make("/a.h", 3, 1, "lock-double-lock");
  Finding B = A;
  Finding C = A;
  C.Notes.push_back({{"/a.h", 1, 1}, "first acquired here"});
  Finding D = A;
  D.Message = "other";
  std::vector<Finding> V = {A, C, B, D, C};
  sortAndDeduplicate(V);
  ASSERT_EQ(V.size(), 3u);
  EXPECT_TRUE(V[0].Notes.empty());
  EXPECT_EQ(V[0].Message, "m");
  EXPECT_EQ(V[1].Notes.size(), 1u);
  EXPECT_EQ(V[2].Message, "other");
}

TEST(FindingBufferTest, ResultDoesNotDependOnInsertionOrder) {
  std::vector<Finding> All;
  for (unsigned I = 0; I < 50; ++I)
    All.push_back(make("/f" + std::to_string(I % 7) + ".cpp", I % 5, I % 3,
                       "c" + std::to_string(I % 4)));
  FindingBuffer Forward, Threads;
  for (const Finding &F : All)
    Forward.add({F});
  std::vector<std::thread> Pool;
  for (unsigned T = 0; T < 4; ++T)
    Pool.emplace_back([&, T] {
      for (size_t I = All.size(); I-- > 0;)
        if (I % 4 == T)
          Threads.add({All[I]});
    });
  for (std::thread &T : Pool)
    T.join();
  std::vector<Finding> A = Forward.take(), B = Threads.take();
  ASSERT_EQ(A.size(), B.size());
  for (size_t I = 0; I < A.size(); ++I)
    EXPECT_TRUE(findingEqual(A[I], B[I])) << I;
  EXPECT_TRUE(Forward.take().empty());
}

TEST(FingerprintTest, StableAcrossLineShiftsAndIndentation) {
  Finding F = make("/a.cpp", 10, 5, "lock-double-lock", "mutex 'm' locked twice");
  std::string FP = computeFingerprint(F, "  m.lock();");
  EXPECT_EQ(FP.size(), 16u);
  Finding Shifted = F;
  Shifted.Where.Line = 42;
  Shifted.Where.Column = 9;
  EXPECT_EQ(computeFingerprint(Shifted, "\tm.lock( );"), FP);
  EXPECT_NE(computeFingerprint(F, "  n.lock();"), FP);
  Finding Other = F;
  Other.CheckId = "lock-unlock-not-held";
  EXPECT_NE(computeFingerprint(Other, "  m.lock();"), FP);
  Other = F;
  Other.Message = "mutex 'n' locked twice";
  EXPECT_NE(computeFingerprint(Other, "  m.lock();"), FP);
}

TEST(FileUriTest, RoundTripsAndEncodes) {
  std::string Uri = fileUriFromPath("/src/my dir/a#b%.cpp");
  EXPECT_EQ(Uri, "file:///src/my%20dir/a%23b%25.cpp");
  EXPECT_EQ(pathFromFileUri(Uri), "/src/my dir/a#b%.cpp");
  EXPECT_EQ(pathFromFileUri("file://localhost/x/y.cpp"), "/x/y.cpp");
  EXPECT_EQ(pathFromFileUri("src/x.cpp"), "src/x.cpp");
  EXPECT_EQ(pathFromFileUri("file:///bad%zz%4"), "/bad%zz%4");
}
