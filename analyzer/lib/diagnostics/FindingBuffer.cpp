//===- FindingBuffer.cpp - Collects findings from parallel TUs ------------===//
#include "lockstep/diagnostics/FindingBuffer.h"
#include <algorithm>
#include <tuple>

using namespace lockstep;

static auto noteKey(const FindingNote &N) {
  return std::tie(N.Where.File, N.Where.Line, N.Where.Column, N.Message);
}

bool lockstep::findingLess(const Finding &A, const Finding &B) {
  auto KeyA = std::tie(A.Where.File, A.Where.Line, A.Where.Column, A.CheckId,
                       A.Message, A.Level);
  auto KeyB = std::tie(B.Where.File, B.Where.Line, B.Where.Column, B.CheckId,
                       B.Message, B.Level);
  if (KeyA != KeyB)
    return KeyA < KeyB;
  return std::lexicographical_compare(
      A.Notes.begin(), A.Notes.end(), B.Notes.begin(), B.Notes.end(),
      [](const FindingNote &X, const FindingNote &Y) {
        return noteKey(X) < noteKey(Y);
      });
}

bool lockstep::findingEqual(const Finding &A, const Finding &B) {
  return !findingLess(A, B) && !findingLess(B, A);
}

void lockstep::sortAndDeduplicate(std::vector<Finding> &Findings) {
  std::sort(Findings.begin(), Findings.end(), findingLess);
  Findings.erase(std::unique(Findings.begin(), Findings.end(), findingEqual),
                 Findings.end());
}

void FindingBuffer::add(std::vector<Finding> Findings) {
  std::lock_guard<std::mutex> Lock(Mu);
  All.insert(All.end(), std::make_move_iterator(Findings.begin()),
             std::make_move_iterator(Findings.end()));
}

std::vector<Finding> FindingBuffer::take() {
  std::vector<Finding> Out;
  {
    std::lock_guard<std::mutex> Lock(Mu);
    Out.swap(All);
  }
  sortAndDeduplicate(Out);
  return Out;
}
