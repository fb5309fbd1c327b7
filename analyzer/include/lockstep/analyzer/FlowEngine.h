//===- FlowEngine.h - A forward flow analysis over a Clang CFG --*- C++ -*-===//
//
// The one fixpoint loop of the analyzer's flow checks. A fact domain (held
// locks, semaphore permits, pending releases ...) says what a block does to
// its state and how two paths merge; the engine walks the CFG in reverse
// post-order, joins the states of the edges into each block, widens at loop
// heads, stops at a fixed point or says that it gave up, and then runs one
// reporting pass over the settled states.
//
// The domain contract (a class passed as the template parameter):
//
//   struct MyDomain {
//     using State = ...;    // copyable; operator== tells a fixed point
//     // The merge of two paths into one block. Document the rule on the
//     // fact type: it is what makes the analysis a may- or a must-analysis.
//     State join(const State &A, const State &B);
//     // Optional: at a loop head visited FlowOptions::WidenAfter times, the
//     // engine uses widen(Old, New) instead of New, so that a state that
//     // keeps growing around a loop reaches a fixed point. A domain whose
//     // states cannot grow forever may leave it out: the default is
//     // join(Old, New).
//     State widen(const State &Old, const State &New);
//     // The effect of the whole block \p B on \p In. \p Out comes sized to
//     // B.succ_size(), every entry empty: set the state on each edge the
//     // path can take (the order of B.succs(): for a two-way branch, the
//     // true edge first). An edge left empty is infeasible: a branch the
//     // state decides, or a block ending in a call that never returns.
//     // \p Phase is Settle while the engine iterates (transfer must not
//     // report then: a state may still change) and Report in the one
//     // reporting pass over the settled states.
//     void transfer(const clang::CFGBlock &B, const State &In,
//                   FlowPhase Phase,
//                   std::vector<std::optional<State>> &Out);
//   };
//
// A block is visited only once some edge into it has a state, so the entry
// state of unreachable code is never made up. The engine itself never
// reports: a check turns FlowOutcome::GaveUp into a visible note
// (Check::gaveUp) rather than into silence.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_FLOWENGINE_H
#define LOCKSTEP_ANALYZER_FLOWENGINE_H

#include "clang/Analysis/CFG.h"
#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace lockstep {

enum class FlowPhase { Settle, Report };

/// How FlowEngine::run ended.
enum class FlowOutcome {
  Settled, ///< a fixed point: every block's state is final
  GaveUp,  ///< still changing after FlowOptions::MaxRounds rounds
};

struct FlowOptions {
  /// Rounds over every block before giving up. A round carries a fact
  /// around one more back edge, so this bounds the loop nesting followed.
  unsigned MaxRounds = 12;
  /// Visits of a loop head after which its state is widened.
  unsigned WidenAfter = 3;
  /// Whether an edge into the exit from a block holding a noreturn call
  /// (abort, a throw helper) counts: such a path never reaches the exit.
  bool SkipNoReturnIntoExit = true;
};

namespace flow_detail {
template <typename D, typename = void> struct HasWiden : std::false_type {};
template <typename D>
struct HasWiden<D, std::void_t<decltype(std::declval<D &>().widen(
                       std::declval<const typename D::State &>(),
                       std::declval<const typename D::State &>()))>>
    : std::true_type {};
} // namespace flow_detail

template <typename Domain> class FlowEngine {
public:
  using State = typename Domain::State;

  FlowEngine(const clang::CFG &Cfg, Domain &D, FlowOptions O = FlowOptions())
      : Cfg(Cfg), D(D), Opts(O), In(Cfg.getNumBlockIDs()),
        Out(Cfg.getNumBlockIDs()), Visits(Cfg.getNumBlockIDs()),
        LoopHead(Cfg.getNumBlockIDs()) {
    computeOrder();
  }

  /// Iterates from \p Entry (the state on entry to the function) to a
  /// fixed point, without reporting. May be called again with another
  /// entry state (a second pass); the states start over.
  FlowOutcome run(State Entry) {
    EntryState = std::move(Entry);
    std::fill(In.begin(), In.end(), std::nullopt);
    for (auto &O : Out)
      O.clear();
    std::fill(Visits.begin(), Visits.end(), 0u);
    Rounds = 0;
    bool Changed = true;
    while (Changed) {
      if (Rounds == Opts.MaxRounds)
        return Outcome = FlowOutcome::GaveUp;
      ++Rounds;
      Changed = false;
      for (const clang::CFGBlock *B : Order) {
        std::optional<State> NewIn = joinedInto(*B);
        if (!NewIn)
          continue;
        unsigned ID = B->getBlockID();
        if (In[ID] && *In[ID] == *NewIn)
          continue;
        if (In[ID] && LoopHead[ID] && Visits[ID] >= Opts.WidenAfter) {
          NewIn = widen(*In[ID], *NewIn);
          if (*In[ID] == *NewIn)
            continue;
        }
        ++Visits[ID];
        In[ID] = std::move(NewIn);
        transfer(*B, FlowPhase::Settle);
        Changed = true;
      }
    }
    return Outcome = FlowOutcome::Settled;
  }

  /// The reporting pass: each reached block once, in reverse post-order,
  /// with its settled entry state. The edge states are refreshed, so
  /// joinedInto() afterwards sees what the reporting pass computed.
  void report() {
    for (const clang::CFGBlock *B : Order)
      if (In[B->getBlockID()])
        transfer(*B, FlowPhase::Report);
  }

  /// The join of the states on the edges into \p B (the entry state for
  /// the entry block); nullopt when no edge into it has one yet.
  std::optional<State> joinedInto(const clang::CFGBlock &B) const {
    if (&B == &Cfg.getEntry())
      return EntryState;
    std::optional<State> R;
    const clang::CFGBlock *Exit = &Cfg.getExit();
    for (const clang::CFGBlock::AdjacentBlock &P : B.preds()) {
      const clang::CFGBlock *PB = P.getReachableBlock();
      if (!PB)
        continue;
      if (&B == Exit && Opts.SkipNoReturnIntoExit && PB->hasNoReturnElement())
        continue;
      const auto &Outs = Out[PB->getBlockID()];
      unsigned Idx = 0;
      for (const clang::CFGBlock::AdjacentBlock &S : PB->succs()) {
        if (S.getReachableBlock() == &B && Idx < Outs.size() && Outs[Idx])
          R = R ? D.join(*R, *Outs[Idx]) : *Outs[Idx];
        ++Idx;
      }
    }
    return R;
  }

  /// The settled state on entry to \p B (nullopt: not reached).
  const std::optional<State> &in(const clang::CFGBlock &B) const {
    return In[B.getBlockID()];
  }
  /// The state on the \p Succ-th edge out of \p B (nullopt: not taken).
  std::optional<State> out(const clang::CFGBlock &B, unsigned Succ) const {
    const auto &Outs = Out[B.getBlockID()];
    return Succ < Outs.size() ? Outs[Succ] : std::nullopt;
  }
  /// The paths that leave the function: each block with an edge into the
  /// exit that a path takes (a block holding a noreturn call is left out),
  /// with the state on that edge.
  std::vector<std::pair<const clang::CFGBlock *, State>> exitEdges() const {
    std::vector<std::pair<const clang::CFGBlock *, State>> R;
    const clang::CFGBlock &Exit = Cfg.getExit();
    for (const clang::CFGBlock::AdjacentBlock &P : Exit.preds()) {
      const clang::CFGBlock *PB = P.getReachableBlock();
      if (!PB || PB->hasNoReturnElement())
        continue;
      unsigned Idx = 0;
      for (const clang::CFGBlock::AdjacentBlock &S : PB->succs()) {
        if (S.getReachableBlock() == &Exit)
          break;
        ++Idx;
      }
      if (std::optional<State> O = out(*PB, Idx))
        R.emplace_back(PB, std::move(*O));
    }
    return R;
  }
  /// The blocks reachable from the entry, in reverse post-order.
  const std::vector<const clang::CFGBlock *> &order() const { return Order; }
  unsigned rounds() const { return Rounds; }
  FlowOutcome outcome() const { return Outcome; }

private:
  void computeOrder() {
    // Depth-first from the entry; a successor that is not yet finished
    // when reached again closes a loop, so its block is a loop head.
    unsigned N = Cfg.getNumBlockIDs();
    std::vector<char> Seen(N, 0), Done(N, 0);
    std::vector<std::pair<const clang::CFGBlock *, unsigned>> Stack;
    const clang::CFGBlock *Entry = &Cfg.getEntry();
    Stack.push_back({Entry, 0});
    Seen[Entry->getBlockID()] = 1;
    while (!Stack.empty()) {
      auto &[B, I] = Stack.back();
      if (I < B->succ_size()) {
        const clang::CFGBlock *S = (B->succ_begin() + I)->getReachableBlock();
        ++I;
        if (!S)
          continue;
        unsigned SID = S->getBlockID();
        if (!Seen[SID]) {
          Seen[SID] = 1;
          Stack.push_back({S, 0});
        } else if (!Done[SID]) {
          LoopHead[SID] = true;
        }
        continue;
      }
      Done[B->getBlockID()] = 1;
      Order.push_back(B);
      Stack.pop_back();
    }
    std::reverse(Order.begin(), Order.end());
  }

  State widen(const State &Old, const State &New) {
    if constexpr (flow_detail::HasWiden<Domain>::value)
      return D.widen(Old, New);
    else
      return D.join(Old, New);
  }

  void transfer(const clang::CFGBlock &B, FlowPhase Phase) {
    unsigned ID = B.getBlockID();
    std::vector<std::optional<State>> &O = Out[ID];
    O.assign(B.succ_size(), std::nullopt);
    D.transfer(B, *In[ID], Phase, O);
    O.resize(B.succ_size()); // a domain may not change the edge count
  }

  const clang::CFG &Cfg;
  Domain &D;
  FlowOptions Opts;
  std::optional<State> EntryState;
  std::vector<std::optional<State>> In;
  std::vector<std::vector<std::optional<State>>> Out;
  std::vector<unsigned> Visits;
  std::vector<bool> LoopHead;
  std::vector<const clang::CFGBlock *> Order;
  unsigned Rounds = 0;
  FlowOutcome Outcome = FlowOutcome::Settled;
};

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_FLOWENGINE_H
