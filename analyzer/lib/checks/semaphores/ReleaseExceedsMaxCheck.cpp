//===- ReleaseExceedsMaxCheck.cpp - sem-release-exceeds-max ---------------===//
#include "ReleaseExceedsMaxCheck.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void ReleaseExceedsMaxCheck::registerMatchers(MatchFinder &Finder) {
  // FIXME: no matcher yet, so this check never fires. Match the nodes of the
  // misuse here, outside system headers, binding each node check() needs:
  //   Finder.addMatcher(
  //       callExpr(unless(isExpansionInSystemHeader()), ...).bind("call"),
  //       this);
}

void ReleaseExceedsMaxCheck::check(const MatchFinder::MatchResult &Result) {
  // FIXME: the logic goes here: read the bound nodes from Result.Nodes, then
  //   Finding F = diag(Loc, "what is wrong and why");
  //   note(F, OtherLoc, "the other half of the story is here");
  //   emit(std::move(F));
}

} // namespace lockstep
