//===- OrderInversionCheck.cpp - lock-order-inversion ---------------------===//
#include "OrderInversionCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <algorithm>
#include <deque>
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
/// (Y -> Z) acquires Z: then X -> Z is an edge the direct rule records, and
/// the chain X -> Y -> Z can be reported as that one acquisition.
/// \p FromLoc: where X was acquired.
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

namespace {
/// Answers "was lock X held where edge E acquired its To?" for the held
/// lists of many edges. The lists are paths in one forest of shared nodes
/// (each node's Next is its parent), numbered once by an Euler tour: X was
/// held iff a node of X is the top of E's list or an ancestor of it. Linear
/// in the nodes, where walking each list would be quadratic.
class HeldIndex {
public:
  void add(const HeldLock *Top) {
    for (const HeldLock *N = Top; N && !Id.count(N); N = N->Next.get()) {
      Id[N] = Nodes.size();
      Nodes.push_back(N);
    }
  }
  void build(const llvm::StringMap<unsigned> &Vertex, size_t NumVertices) {
    std::vector<std::vector<unsigned>> Children(Nodes.size());
    std::vector<unsigned> Roots;
    for (unsigned I = 0; I < Nodes.size(); ++I) {
      if (const HeldLock *P = Nodes[I]->Next.get())
        Children[Id[P]].push_back(I);
      else
        Roots.push_back(I);
    }
    In.assign(Nodes.size(), 0);
    Out.assign(Nodes.size(), 0);
    unsigned Clock = 0;
    std::vector<std::pair<unsigned, unsigned>> Stack;
    for (unsigned R : Roots) {
      Stack.push_back({R, 0});
      In[R] = Clock++;
      while (!Stack.empty()) {
        auto &[U, Next] = Stack.back();
        if (Next < Children[U].size()) {
          unsigned C = Children[U][Next++];
          In[C] = Clock++;
          Stack.push_back({C, 0});
          continue;
        }
        Out[U] = Clock++;
        Stack.pop_back();
      }
    }
    ByVertex.assign(NumVertices, {});
    for (unsigned I = 0; I < Nodes.size(); ++I) {
      auto It = Vertex.find(Nodes[I]->Path.orderKey());
      if (It != Vertex.end())
        ByVertex[It->second].push_back(I);
    }
  }
  /// The node of lock \p X in the list topped by \p Top, or null.
  const HeldLock *find(const HeldLock *Top, unsigned X) const {
    auto It = Id.find(Top);
    if (It == Id.end())
      return nullptr;
    unsigned T = It->second;
    for (unsigned N : ByVertex[X])
      if (In[N] <= In[T] && Out[T] <= Out[N])
        return Nodes[N];
    return nullptr;
  }

private:
  llvm::DenseMap<const HeldLock *, unsigned> Id;
  std::vector<const HeldLock *> Nodes;
  std::vector<unsigned> In, Out;
  std::vector<std::vector<unsigned>> ByVertex;
};
} // namespace

/// The edge X -> Z that the direct rule records, if lock \p X was held
/// where \p E acquired Z (null if not).
static const OrderEdge *impliedEdge(const OrderEdge &E, unsigned X,
                                    const HeldIndex &Held,
                                    std::deque<OrderEdge> &Composed) {
  if (E.GateGroups.empty() || !E.GateGroups.front() || E.WithUnordered)
    return nullptr;
  const HeldLock *N = Held.find(E.GateGroups.front().get(), X);
  if (!N)
    return nullptr;
  OrderEdge D = E;
  D.From = N->Path;
  D.FromLoc = N->AcquiredAt;
  Composed.push_back(std::move(D));
  return &Composed.back();
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
  std::vector<std::vector<std::pair<unsigned, unsigned>>> CompKeys(NumComp);
  std::vector<std::vector<std::pair<unsigned, const OrderEdge *>>> Into(
      Keys.size());
  HeldIndex Held;
  for (const auto &W : Witness) {
    auto [U, V] = W.first;
    if (Comp[U] != Comp[V] || !ChainedIn[Comp[U]])
      continue;
    CompKeys[Comp[U]].push_back({U, V});
    for (const OrderEdge *E : W.second) {
      Into[V].push_back({U, E});
      if (!E->GateGroups.empty())
        Held.add(E->GateGroups.front().get());
    }
  }
  Held.build(Index, Keys.size());

  for (int C = 0; C < NumComp; ++C) {
    const auto &SCC = Members[C];
    if (SCC.size() < 2)
      continue;
    bool Reported = false;
    // The edges that witness "V acquired while U was held": the direct ones;
    // in a component with chained edges, also those where U was held two or
    // more links down a chain (found in what was held where V was taken).
    auto Witnesses = [&](unsigned U, unsigned V) {
      std::vector<const OrderEdge *> R;
      auto It = Witness.find({U, V});
      if (It != Witness.end())
        R = It->second;
      if (ChainedIn[C])
        for (auto [From, E] : Into[V])
          if (From != U)
            if (const OrderEdge *I = impliedEdge(*E, U, Held, Composed))
              R.push_back(I);
      return R;
    };
    auto ReportPair = [&](unsigned U, unsigned V) {
      std::vector<const OrderEdge *> AB = Witnesses(U, V);
      if (AB.empty())
        return;
      std::vector<const OrderEdge *> BA = Witnesses(V, U);
      if (BA.empty())
        return;
      Reported = true; // even a gated pair explains the component
      for (const OrderEdge *E1 : AB)
        for (const OrderEdge *E2 : BA)
          if (!gated({E1, E2})) {
            report({E1, E2}, Ctx);
            return;
          }
    };
    // Two locks taken in both orders: the common case, reported per pair.
    if (!ChainedIn[C]) {
      for (auto [U, V] : Pairs[C])
        ReportPair(U, V);
    } else {
      for (auto [U, V] : CompKeys[C])
        if (U < V)
          ReportPair(U, V);
        else if (!Witness.count({V, U}))
          ReportPair(V, U);
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
