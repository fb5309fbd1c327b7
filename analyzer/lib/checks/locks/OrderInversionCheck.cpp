//===- OrderInversionCheck.cpp - lock-order-inversion ---------------------===//
#include "OrderInversionCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace lockstep {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::set<std::string> gateKeys(const OrderEdge &E) {
  std::set<std::string> R;
  E.forEachGate([&](const LockPath &G) {
    R.insert(G.orderKey().empty() ? G.key() : G.orderKey());
  });
  return R;
}

/// A lock held at every edge of the cycle serialises the threads that could
/// otherwise deadlock: the inversion is harmless.
bool gated(const std::vector<const OrderEdge *> &Cycle) {
  std::set<std::string> Common = gateKeys(*Cycle.front());
  for (size_t I = 1; I < Cycle.size() && !Common.empty(); ++I) {
    std::set<std::string> G = gateKeys(*Cycle[I]), Both;
    std::set_intersection(Common.begin(), Common.end(), G.begin(), G.end(),
                          std::inserter(Both, Both.begin()));
    Common.swap(Both);
  }
  return !Common.empty();
}

std::string functionName(const OrderEdge &E) {
  return E.Function ? E.Function->getQualifiedNameAsString() : "<unknown>";
}
} // namespace

/// Whether the lock \p E (X -> Y) starts from is still held where \p Next
/// (Y -> Z) acquires Z, in the same function: then X -> Z is an edge the
/// direct rule records, and the chain X -> Y -> Z can be reported as that
/// one acquisition. \p FromLoc: where X was acquired.
static bool stillHeld(const OrderEdge &E, const OrderEdge &Next,
                      clang::SourceLocation &FromLoc) {
  if (E.GateGroups.empty() || Next.GateGroups.empty())
    return false;
  const HeldLock *Was = E.GateGroups.front().get();
  const HeldLock *Now = Next.GateGroups.front().get();
  if (!Was || !Now)
    return false;
  // Usually everything held when Y was taken (X among it) is still held
  // when Z is: the earlier list is a tail of the later one.
  const HeldLock *N = Now;
  while (N && N->Depth > Was->Depth)
    N = N->Next.get();
  if (N == Was) {
    FromLoc = E.FromLoc;
    return true;
  }
  // Otherwise look for X near the top (bounded: it keeps a cycle through
  // thousands of locks linear; a miss only reports the longer cycle).
  if (Next.WithUnordered)
    return false;
  unsigned Steps = 0;
  for (N = Now; N && Steps < 64; N = N->Next.get(), ++Steps)
    if (N->Path == E.From) {
      FromLoc = N->AcquiredAt;
      return true;
    }
  return false;
}

std::vector<const OrderEdge *>
OrderInversionCheck::compose(const std::vector<const OrderEdge *> &Cycle) {
  auto Join = [&](const OrderEdge &E, const OrderEdge &Next) -> const OrderEdge * {
    if (E.From.orderKey() == Next.To.orderKey())
      return nullptr;
    clang::SourceLocation FromLoc;
    if (!stillHeld(E, Next, FromLoc))
      return nullptr;
    OrderEdge C = Next;
    C.From = E.From;
    C.FromLoc = FromLoc;
    Composed.push_back(std::move(C));
    return &Composed.back();
  };
  std::vector<const OrderEdge *> Out;
  const OrderEdge *Cur = Cycle.front();
  for (size_t I = 1; I < Cycle.size(); ++I) {
    if (const OrderEdge *C = Join(*Cur, *Cycle[I])) {
      Cur = C;
      continue;
    }
    Out.push_back(Cur);
    Cur = Cycle[I];
  }
  Out.push_back(Cur);
  while (Out.size() > 2) {
    const OrderEdge *C = Join(*Out.back(), *Out.front());
    if (!C)
      break;
    Out.front() = C;
    Out.pop_back();
  }
  return Out;
}

const OrderEdge *
OrderInversionCheck::impliedEdge(const std::vector<const OrderEdge *> &Into,
                                 const std::string &FromKey, size_t &Budget) {
  for (const OrderEdge *E : Into) {
    if (E->GateGroups.empty() || E->WithUnordered)
      continue;
    for (const HeldLock *N = E->GateGroups.front().get(); N && Budget;
         N = N->Next.get(), --Budget) {
      if (N->Path.orderKey() != FromKey)
        continue;
      OrderEdge D = *E;
      D.From = N->Path;
      D.FromLoc = N->AcquiredAt;
      Composed.push_back(std::move(D));
      return &Composed.back();
    }
  }
  return nullptr;
}

void OrderInversionCheck::handleLockOrder(const std::vector<OrderEdge> &Edges,
                                          clang::ASTContext &Ctx) {
  Composed.clear();
  // Vertices are lock keys; witnesses keep every edge seen between a pair.
  llvm::StringMap<unsigned> Index;
  std::vector<std::string> Keys;
  std::map<std::pair<unsigned, unsigned>, std::vector<const OrderEdge *>>
      Witness;
  auto Vertex = [&](const std::string &K) {
    auto It = Index.try_emplace(K, Keys.size());
    if (It.second)
      Keys.push_back(K);
    return It.first->second;
  };
  for (const OrderEdge &E : Edges) {
    unsigned U = Vertex(E.From.orderKey()), V = Vertex(E.To.orderKey());
    if (U != V)
      Witness[{U, V}].push_back(&E);
  }
  if (Witness.empty())
    return;
  Graph G(Keys.size());
  for (const auto &W : Witness)
    boost::add_edge(W.first.first, W.first.second, G);
  std::vector<int> Comp(Keys.size());
  int NumComp = boost::strong_components(
      G, boost::make_iterator_property_map(Comp.begin(),
                                           boost::get(boost::vertex_index, G)));
  std::vector<std::vector<unsigned>> Members(NumComp);
  for (unsigned V = 0; V < Keys.size(); ++V)
    Members[Comp[V]].push_back(V);
  // The pairs taken in both orders, per component, in the order of their
  // vertices (one pass over the witnesses, not over every pair of members:
  // a component can hold thousands of locks).
  std::vector<std::vector<std::pair<unsigned, unsigned>>> Pairs(NumComp);
  for (const auto &W : Witness) {
    auto [U, V] = W.first;
    if (U < V && Comp[U] == Comp[V] && Witness.count({V, U}))
      Pairs[Comp[U]].push_back({U, V});
  }

  // Components with chained edges: their one-way edges, and every edge by
  // the lock it acquires.
  std::vector<char> ChainedIn(NumComp);
  for (const auto &W : Witness)
    if (Comp[W.first.first] == Comp[W.first.second])
      for (const OrderEdge *E : W.second)
        ChainedIn[Comp[W.first.first]] |= E->Chained;
  std::vector<std::vector<std::pair<unsigned, unsigned>>> OneWay(NumComp);
  std::vector<std::vector<const OrderEdge *>> Into(Keys.size());
  for (const auto &W : Witness) {
    auto [U, V] = W.first;
    if (Comp[U] != Comp[V] || !ChainedIn[Comp[U]])
      continue;
    Into[V].insert(Into[V].end(), W.second.begin(), W.second.end());
    if (!Witness.count({V, U}))
      OneWay[Comp[U]].push_back({U, V});
  }
  // Nodes of held lists impliedEdge may visit in this translation unit.
  size_t Budget = 4'000'000;

  for (int C = 0; C < NumComp; ++C) {
    const auto &SCC = Members[C];
    if (SCC.size() < 2)
      continue;
    bool Reported = false;
    // Two locks taken in both orders: the common case, reported per pair.
    for (auto [U, V] : Pairs[C]) {
      const auto &AB = Witness[{U, V}], &BA = Witness[{V, U}];
      bool Done = false;
      for (const OrderEdge *E1 : AB) {
        for (const OrderEdge *E2 : BA)
          if (!gated({E1, E2})) {
            report({E1, E2}, Ctx);
            Done = true;
            break;
          }
        if (Done)
          break;
      }
      Reported = true; // a gated pair: the component is explained
    }
    // Where a function held too many locks for direct edges, a pair taken
    // in both orders may have one direction only as a chain: for each
    // direct edge Z -> X without its reverse, look for X in what was held
    // where Z was acquired (the held lists of the edges into Z).
    for (auto [Z, X] : OneWay[C]) {
      const OrderEdge *Fwd = nullptr;
      for (const OrderEdge *Back : Witness[{Z, X}]) {
        if (Back->Chained)
          continue;
        if (!Fwd && !(Fwd = impliedEdge(Into[Z], Keys[X], Budget)))
          break;
        Reported = true;
        if (!gated({Fwd, Back})) {
          report({Fwd, Back}, Ctx);
          break;
        }
      }
    }
    if (Reported)
      continue;
    // A longer cycle (a -> b -> c -> a): find one by depth-first search
    // inside the component (iterative: a component can be thousands of
    // locks deep).
    std::set<unsigned> In(SCC.begin(), SCC.end());
    unsigned Front = SCC.front();
    std::vector<unsigned> Path{Front};
    std::set<unsigned> OnPath{Front};
    using AdjIt = boost::graph_traits<Graph>::adjacency_iterator;
    std::vector<std::pair<AdjIt, AdjIt>> Stack{boost::adjacent_vertices(Front, G)};
    bool Found = false;
    while (!Stack.empty() && !Found) {
      auto &[B, E] = Stack.back();
      if (B == E) {
        Stack.pop_back();
        if (Path.size() > 1) {
          OnPath.erase(Path.back());
          Path.pop_back();
        }
        continue;
      }
      unsigned V = *B;
      ++B;
      if (!In.count(V))
        continue;
      if (V == Front && Path.size() >= 2) {
        Path.push_back(V);
        Found = true;
        break;
      }
      if (OnPath.count(V))
        continue;
      Path.push_back(V);
      OnPath.insert(V);
      Stack.push_back(boost::adjacent_vertices(V, G));
    }
    if (!Found)
      continue;
    std::vector<const OrderEdge *> Cycle;
    bool Chained = false;
    for (size_t I = 0; I + 1 < Path.size(); ++I) {
      Cycle.push_back(Witness[{Path[I], Path[I + 1]}].front());
      Chained |= Cycle.back()->Chained;
    }
    // Edges chained above the direct-edge limit stand for direct edges the
    // graph leaves out: report the acquisitions that really conflict. (A
    // cycle of direct edges only is reported as found, as it always was.)
    if (Chained)
      Cycle = compose(Cycle);
    if (!gated(Cycle))
      report(Cycle, Ctx);
  }
}

void OrderInversionCheck::report(const std::vector<const OrderEdge *> &Cycle,
                                 clang::ASTContext &Ctx) {
  const clang::SourceManager &SM = Ctx.getSourceManager();
  // The finding sits at the acquisition that closes the cycle last in the
  // file; the other edges are the notes.
  size_t Last = 0;
  for (size_t I = 1; I < Cycle.size(); ++I)
    if (SM.isBeforeInTranslationUnit(Cycle[Last]->ToLoc, Cycle[I]->ToLoc))
      Last = I;
  const OrderEdge &L = *Cycle[Last];
  std::string From = "'" + L.From.name() + "'", To = "'" + L.To.name() + "'";
  std::string Msg;
  if (Cycle.size() == 2) {
    const OrderEdge &O = *Cycle[1 - Last];
    Msg = "lock order inversion: mutex " + To + " is acquired while holding " +
          From + ", but '" + functionName(O) +
          "' acquires them in the opposite order (potential deadlock)";
  } else {
    Msg = "lock order inversion: mutex " + To + " is acquired while holding " +
          From + ", closing a cycle of " + std::to_string(Cycle.size()) +
          " locks acquired in inconsistent orders (potential deadlock)";
  }
  Finding F = diag(L.ToLoc, Msg);
  auto Describe = [&](const OrderEdge &E) {
    std::string EF = "'" + E.From.name() + "'", ET = "'" + E.To.name() + "'";
    note(F, E.FromLoc, "mutex " + EF + " acquired here in '" +
                           functionName(E) + "'");
    if (E.InnerLoc.isValid() && !E.Callee.empty()) {
      note(F, E.ToLoc, "'" + E.Callee + "' called here while holding " + EF);
      note(F, E.InnerLoc, "mutex " + ET + " acquired here inside '" +
                              E.Callee + "'");
    } else {
      note(F, E.ToLoc, "mutex " + ET + " acquired here while holding " + EF);
    }
  };
  Describe(L);
  for (size_t I = 1; I < Cycle.size(); ++I)
    Describe(*Cycle[(Last + I) % Cycle.size()]);
  emit(std::move(F));
}

} // namespace lockstep
