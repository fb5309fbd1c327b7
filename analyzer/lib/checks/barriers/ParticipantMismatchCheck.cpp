//===- ParticipantMismatchCheck.cpp - barrier-participant-mismatch --------===//
#include "ParticipantMismatchCheck.h"
#include "Participation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace lockstep {

void ParticipantMismatchCheck::registerMatchers(MatchFinder &Finder) {
  Finder.addMatcher(varDecl(hasLocalStorage(), unless(parmVarDecl()),
                            unless(isExpansionInSystemHeader()))
                        .bind("barrier"),
                    this);
}

void ParticipantMismatchCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *VD = Result.Nodes.getNodeAs<VarDecl>("barrier");
  if (!VD)
    return;
  bool Pthread = VD->getType().getUnqualifiedType().getAsString() ==
                 "pthread_barrier_t";
  if (!Pthread &&
      stdRecordName(VD->getType()->getAsCXXRecordDecl()) != "barrier")
    return;
  ASTContext &Ctx = *Result.Context;
  std::optional<std::int64_t> Count;
  SourceLocation CountLoc = VD->getLocation();
  if (!Pthread) {
    const auto *Init = dyn_cast_or_null<CXXConstructExpr>(
        VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
    if (!Init || Init->getNumArgs() < 1)
      return;
    Count = barriers::constantInt(Init->getArg(0), Ctx);
  }
  std::optional<std::vector<barriers::Use>> Uses =
      barriers::collectUses(VD, Ctx, /*LoopsInThreadOk=*/true);
  if (!Uses)
    return;
  // Each thread that arrives is one participant, however many phases it
  // takes part in.
  llvm::SmallPtrSet<const LambdaExpr *, 8> Threads;
  std::uint64_t Arriving = 0;
  bool OwnerArrives = false;
  const barriers::Use *OwnerArrival = nullptr;
  std::vector<const barriers::Use *> Launches;
  for (const barriers::Use &U : *Uses) {
    if (Pthread && U.Name == "pthread_barrier_init") {
      // Initialised once, by the owner, with a constant count.
      if (Count || U.Thread || U.InLoop || U.Call->getNumArgs() != 3)
        return;
      Count = barriers::constantInt(U.Call->getArg(2), Ctx);
      if (!Count)
        return;
      CountLoc = U.Call->getBeginLoc();
      continue;
    }
    bool Arrives;
    if (Pthread) {
      if (U.Name != "pthread_barrier_wait" && U.Name != "pthread_barrier_destroy")
        return;
      Arrives = U.Name == "pthread_barrier_wait";
    } else if (U.Name == "arrive") {
      // arrive() does not wait: a thread calling it in a loop, or with an
      // update, may arrive several times in one phase.
      if (U.InLoop || U.Call->getNumArgs() != 0)
        return;
      Arrives = true;
    } else if (U.Name == "arrive_and_wait" || U.Name == "arrive_and_drop") {
      Arrives = true;
    } else if (U.Name == "wait" || U.Name == "max") {
      Arrives = false;
    } else {
      return;
    }
    if (!Arrives)
      continue;
    if (!U.Thread) {
      OwnerArrives = true;
      if (!OwnerArrival)
        OwnerArrival = &U;
    } else if (Threads.insert(U.Thread).second) {
      Arriving += U.Launches;
      Launches.push_back(&U);
    }
  }
  // A thread body arriving more than once per phase with arrive() (two
  // calls) is not understood either.
  for (const LambdaExpr *L : Threads) {
    unsigned Plain = 0;
    for (const barriers::Use &U : *Uses)
      if (U.Thread == L && U.Name == "arrive")
        ++Plain;
    if (Plain > 1)
      return;
  }
  if (!Count || *Count <= 0 || (Arriving == 0 && !OwnerArrives))
    return;
  std::uint64_t Participants = Arriving + (OwnerArrives ? 1 : 0);
  std::uint64_t N = static_cast<std::uint64_t>(*Count);
  if (Participants == N)
    return;
  // More threads than participants are only a mismatch when they run at the
  // same time: groups launched and joined one after the other may each fit.
  if (Participants > N && !barriers::launchesConcurrent(*Uses, VD, Ctx))
    return;
  std::string Name = VD->getName().str();
  Finding F = diag(
      VD->getLocation(),
      "barrier '" + Name + "' expects " + std::to_string(N) +
          " participants but " + std::to_string(Participants) +
          " threads arrive on it: " +
          (Participants < N
               ? "no phase ever completes and every thread waits forever"
               : "arrivals spill into the next phase and the phases no "
                 "longer line up"));
  if (Pthread)
    note(F, CountLoc, "the participant count is set here");
  for (const barriers::Use *U : Launches)
    note(F, U->Launch->getBeginLoc(),
         std::to_string(U->Launches) + " thread" +
             (U->Launches == 1 ? "" : "s") + " launched here arrive" +
             (U->Launches == 1 ? "s" : ""));
  if (OwnerArrival)
    note(F, OwnerArrival->Call->getBeginLoc(),
         "the thread that creates the barrier arrives too");
  emit(std::move(F));
}

} // namespace lockstep
