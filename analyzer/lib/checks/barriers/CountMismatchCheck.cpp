//===- CountMismatchCheck.cpp - latch-count-mismatch ----------------------===//
#include "CountMismatchCheck.h"
#include "Participation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void CountMismatchCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(hasLocalStorage(), unless(parmVarDecl()),
                            unless(isExpansionInSystemHeader()))
                        .bind("latch"),
                    this);
}

void CountMismatchCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("latch");
  if (!VD || stdRecordName(VD->getType()->getAsCXXRecordDecl()) != "latch")
    return;
  ASTContext &Ctx = *Result.Context;
  const auto *Init = dyn_cast_or_null<CXXConstructExpr>(
      VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
  if (!Init || Init->getNumArgs() != 1)
    return;
  std::optional<std::int64_t> Count = barriers::constantInt(Init->getArg(0), Ctx);
  if (!Count || *Count < 0)
    return;
  std::optional<std::vector<barriers::Use>> Uses =
      barriers::collectUses(VD, Ctx, /*LoopsInThreadOk=*/false);
  if (!Uses)
    return;
  std::uint64_t Down = 0;
  const barriers::Use *Wait = nullptr;
  std::vector<std::pair<const barriers::Use *, std::uint64_t>> Downs;
  for (const barriers::Use &U : *Uses) {
    bool Arrive = U.Name == "arrive_and_wait";
    if (U.Name == "wait" || Arrive) {
      if (!Wait)
        Wait = &U;
    } else if (U.Name != "count_down" && U.Name != "try_wait" &&
               U.Name != "max") {
      return;
    }
    if (U.Name != "count_down" && !Arrive)
      continue;
    std::int64_t K = 1;
    if (U.Call->getNumArgs() >= 1 && !isa<CXXDefaultArgExpr>(U.Call->getArg(0))) {
      std::optional<std::int64_t> V = barriers::constantInt(U.Call->getArg(0), Ctx);
      if (!V || *V < 0)
        return; // an update known only at run time
      K = *V;
    }
    if (!U.PerThread)
      return;
    std::uint64_t By = static_cast<std::uint64_t>(K) * *U.PerThread * U.Launches;
    Downs.push_back({&U, By});
    Down += By;
  }
  std::uint64_t N = static_cast<std::uint64_t>(*Count);
  if (Down == N || (Down < N && !Wait))
    return;
  std::string Name = VD->getName().str();
  Finding F =
      Down > N
          ? diag(VD->getLocation(),
                 "latch '" + Name + "' starts at " + std::to_string(N) +
                     " but its count-downs add up to " + std::to_string(Down) +
                     ": counting a latch down below zero is undefined "
                     "behaviour")
          : diag(VD->getLocation(),
                 "latch '" + Name + "' starts at " + std::to_string(N) +
                     " but its count-downs add up to only " +
                     std::to_string(Down) + ": its waiters never wake up");
  if (Down < N)
    note(F, Wait->Call->getBeginLoc(), "'" + Name + "' is waited for here");
  for (const auto &[U, By] : Downs)
    note(F, U->Call->getBeginLoc(),
         "counted down by " + std::to_string(By) + " in all here");
  emit(std::move(F));
}

} // namespace lockstep
