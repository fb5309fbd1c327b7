//===- LockSet.cpp - Lock-set facts and their join ------------------------===//
#include "lockstep/analyzer/LockSet.h"
#include "llvm/ADT/STLExtras.h"
#include <algorithm>
#include <cctype>

namespace lockstep {

int decide(const SuccessTest &Want, const SuccessTest &Known) {
  if (Want.Equal) {
    if (Known.Equal)
      return Known.Value == Want.Value ? 1 : 0;
    return Known.Value == Want.Value ? 0 : -1;
  }
  if (Known.Equal)
    return Known.Value != Want.Value ? 1 : 0;
  return Known.Value == Want.Value ? 1 : -1;
}

// Keys are unique among the facts (and ids among the guards). Lookups scan
// from the newest entry: locks and guards mostly go away in the reverse order
// of their acquisition, so a function holding thousands of them at once
// finds the one released in constant time.
const LockFact *LockSet::find(llvm::StringRef Key) const {
  for (const LockFact &F : llvm::reverse(Facts))
    if (F.Key == Key)
      return &F;
  return nullptr;
}

LockFact *LockSet::find(llvm::StringRef Key) {
  for (LockFact &F : llvm::reverse(Facts))
    if (F.Key == Key)
      return &F;
  return nullptr;
}

void LockSet::erase(llvm::StringRef Key) {
  if (LockFact *F = find(Key))
    Facts.erase(Facts.begin() + (F - Facts.begin()));
}

const GuardFact *LockSet::guard(const void *Id) const {
  for (const GuardFact &G : llvm::reverse(Guards))
    if (G.Id == Id)
      return &G;
  return nullptr;
}

GuardFact *LockSet::guard(const void *Id) {
  for (GuardFact &G : llvm::reverse(Guards))
    if (G.Id == Id)
      return &G;
  return nullptr;
}

void LockSet::dropGuardFacts(const void *Id) {
  Facts.erase(std::remove_if(Facts.begin(), Facts.end(),
                             [&](const LockFact &F) { return F.Guard == Id; }),
              Facts.end());
}

void LockSet::detachGuardFacts(const void *Id) {
  for (LockFact &F : Facts)
    if (F.Guard == Id) {
      F.Guard = nullptr;
      F.Detached = true;
    }
}

bool LockSet::isReleased(llvm::StringRef Key) const {
  for (const ReleasedFact &R : Released)
    if (R.Key == Key)
      return true;
  return false;
}

bool LockSet::isEntryReleased(llvm::StringRef Key) const {
  return std::find(EntryReleased.begin(), EntryReleased.end(), Key) !=
         EntryReleased.end();
}

void LockSet::assume(const BranchCond &C) {
  Assumed.erase(std::remove_if(Assumed.begin(), Assumed.end(),
                               [&](const BranchCond &A) {
                                 return A.Key == C.Key;
                               }),
                Assumed.end());
  Assumed.push_back(C);
  for (size_t I = 0; I < Facts.size();) {
    LockFact &F = Facts[I];
    if (!F.Cond || F.Cond->Key != C.Key) {
      ++I;
      continue;
    }
    int D = decide(F.Cond->Test, C.Test);
    if (D < 0) {
      ++I;
      continue;
    }
    if (GuardFact *G = guard(F.Guard))
      if (G->Owning == GuardFact::Owns::Maybe)
        G->Owning = D ? GuardFact::Owns::Yes : GuardFact::Owns::No;
    if (D) {
      F.Maybe = false;
      F.Cond.reset();
      ++I;
    } else {
      Facts.erase(Facts.begin() + I);
    }
  }
}

/// True if \p Name occurs in \p Text as a whole identifier.
static bool mentions(llvm::StringRef Text, llvm::StringRef Name) {
  auto IsId = [](char C) { return std::isalnum((unsigned char)C) || C == '_'; };
  size_t Pos = 0;
  while ((Pos = Text.find(Name, Pos)) != llvm::StringRef::npos) {
    bool Before = Pos == 0 || !IsId(Text[Pos - 1]);
    size_t End = Pos + Name.size();
    bool After = End >= Text.size() || !IsId(Text[End]);
    if (Before && After)
      return true;
    Pos = End;
  }
  return false;
}

bool LockSet::knows(const BranchCond &C) const {
  return llvm::any_of(Assumed, [&](const BranchCond &A) {
    return A.Key == C.Key && decide(C.Test, A.Test) == 1;
  });
}

void LockSet::invalidate(llvm::StringRef Name) {
  Assumed.erase(std::remove_if(Assumed.begin(), Assumed.end(),
                               [&](const BranchCond &A) {
                                 return mentions(A.Key, Name);
                               }),
                Assumed.end());
  for (LockFact &F : Facts)
    if (F.Cond && mentions(F.Cond->Key, Name))
      F.Cond.reset();
}

/// The most recent condition assumed on one side and contradicted on the
/// other: the branch that separated the two paths.
static std::optional<BranchCond> separating(const LockSet &With,
                                            const LockSet &Without) {
  for (auto It = With.Assumed.rbegin(); It != With.Assumed.rend(); ++It)
    for (const BranchCond &O : Without.Assumed)
      if (O.Key == It->Key && decide(It->Test, O.Test) == 0)
        return *It;
  return std::nullopt;
}

static LockFact onOneSide(const LockFact &F, const LockSet &With,
                          const LockSet &Without) {
  LockFact R = F;
  R.Maybe = true;
  if (!F.Maybe)
    R.Cond = separating(With, Without);
  else if (F.Cond) {
    // Held under F.Cond on this side; only safe to keep if the other side
    // is known not to satisfy F.Cond either.
    bool OtherFalse = false;
    for (const BranchCond &O : Without.Assumed)
      if (O.Key == F.Cond->Key && decide(F.Cond->Test, O.Test) == 0)
        OtherFalse = true;
    if (!OtherFalse)
      R.Cond.reset();
  }
  return R;
}

LockSet LockSet::join(const LockSet &A, const LockSet &B) {
  LockSet R;
  // Both sides usually hold their common locks in the same order: look at
  // the same position first (a join stays linear in the locks held).
  auto Find = [](const LockSet &S, size_t I, llvm::StringRef Key) {
    return I < S.Facts.size() && S.Facts[I].Key == Key ? &S.Facts[I]
                                                       : S.find(Key);
  };
  for (size_t I = 0; I < A.Facts.size(); ++I) {
    const LockFact &FA = A.Facts[I];
    if (const LockFact *FB = Find(B, I, FA.Key)) {
      LockFact M = FA;
      M.Maybe = FA.Maybe || FB->Maybe;
      // Held under C on one side and held outright on the other, where C is
      // known true (`bool locked = true; if (t) locked = mu.try_lock(); else
      // mu.lock();`): held under C after the join too.
      auto HeldWhereTrue = [](const LockFact &Cond, const LockFact &Held,
                              const LockSet &HeldSide) {
        if (!Cond.Maybe || !Cond.Cond || Held.Maybe)
          return false;
        for (const BranchCond &K : HeldSide.Assumed)
          if (K.Key == Cond.Cond->Key && decide(Cond.Cond->Test, K.Test) == 1)
            return true;
        return false;
      };
      if (HeldWhereTrue(FA, *FB, B))
        M.Cond = FA.Cond;
      else if (HeldWhereTrue(*FB, FA, A))
        M.Cond = FB->Cond;
      else if (!(FA.Cond && FB->Cond && *FA.Cond == *FB->Cond))
        M.Cond.reset();
      M.Count = std::max(FA.Count, FB->Count);
      M.Shared = FA.Shared && FB->Shared;
      M.FromTry = FA.FromTry || FB->FromTry;
      M.Detached = FA.Detached || FB->Detached;
      M.FromCaller = FA.FromCaller && FB->FromCaller;
      if (!M.Guard)
        M.Guard = FB->Guard;
      R.Facts.push_back(std::move(M));
    } else {
      R.Facts.push_back(onOneSide(FA, A, B));
    }
  }
  for (size_t I = 0; I < B.Facts.size(); ++I)
    if (!Find(A, I, B.Facts[I].Key))
      R.Facts.push_back(onOneSide(B.Facts[I], B, A));

  R.Guards = A.Guards;
  for (const GuardFact &GB : B.Guards) {
    if (GuardFact *G = R.guard(GB.Id)) {
      if (G->Owning != GB.Owning)
        G->Owning = GuardFact::Owns::Maybe;
    } else {
      R.Guards.push_back(GB);
    }
  }
  for (const ReleasedFact &RA : A.Released)
    if (B.isReleased(RA.Key))
      R.Released.push_back(RA);
  R.EntryReleased = A.EntryReleased;
  for (const std::string &K : B.EntryReleased)
    if (!R.isEntryReleased(K))
      R.EntryReleased.push_back(K);
  for (const BranchCond &CA : A.Assumed)
    if (std::find(B.Assumed.begin(), B.Assumed.end(), CA) != B.Assumed.end())
      R.Assumed.push_back(CA);
  return R;
}

bool operator==(const LockSet &A, const LockSet &B) {
  if (A.Facts.size() != B.Facts.size() || A.Guards.size() != B.Guards.size() ||
      A.Released.size() != B.Released.size() ||
      A.EntryReleased != B.EntryReleased || A.Assumed != B.Assumed)
    return false;
  for (size_t I = 0; I < A.Facts.size(); ++I) {
    const LockFact &X = A.Facts[I], &Y = B.Facts[I];
    if (X.Key != Y.Key || X.Maybe != Y.Maybe || X.Cond != Y.Cond ||
        X.Guard != Y.Guard || X.Count != Y.Count || X.Shared != Y.Shared ||
        X.Detached != Y.Detached)
      return false;
  }
  for (size_t I = 0; I < A.Guards.size(); ++I) {
    const GuardFact &X = A.Guards[I], &Y = B.Guards[I];
    if (X.Id != Y.Id || X.Owning != Y.Owning || X.Locks != Y.Locks)
      return false;
  }
  for (size_t I = 0; I < A.Released.size(); ++I)
    if (A.Released[I].Key != B.Released[I].Key)
      return false;
  return true;
}

} // namespace lockstep
