//===- OrderInversionCheck.cpp - lock-order-inversion ---------------------===//
#include "OrderInversionCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
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

void OrderInversionCheck::handleLockOrder(const std::vector<OrderEdge> &Edges,
                                          clang::ASTContext &Ctx) {
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

  for (const auto &SCC : Members) {
    if (SCC.size() < 2)
      continue;
    bool Reported = false;
    // Two locks taken in both orders: the common case, reported per pair.
    for (size_t I = 0; I < SCC.size(); ++I)
      for (size_t J = I + 1; J < SCC.size(); ++J) {
        auto AB = Witness.find({SCC[I], SCC[J]});
        auto BA = Witness.find({SCC[J], SCC[I]});
        if (AB == Witness.end() || BA == Witness.end())
          continue;
        bool Done = false;
        for (const OrderEdge *E1 : AB->second) {
          for (const OrderEdge *E2 : BA->second)
            if (!gated({E1, E2})) {
              report({E1, E2}, Ctx);
              Done = Reported = true;
              break;
            }
          if (Done)
            break;
        }
        if (!Done && !AB->second.empty() && !BA->second.empty())
          Reported = true; // a gated pair: the component is explained
      }
    if (Reported)
      continue;
    // A longer cycle (a -> b -> c -> a): find one by depth-first search
    // inside the component.
    std::set<unsigned> In(SCC.begin(), SCC.end());
    std::vector<unsigned> Path{SCC.front()};
    std::set<unsigned> OnPath{SCC.front()};
    std::vector<const OrderEdge *> Cycle;
    std::function<bool(unsigned)> Dfs = [&](unsigned U) -> bool {
      auto [B, E] = boost::adjacent_vertices(U, G);
      for (; B != E; ++B) {
        unsigned V = *B;
        if (!In.count(V))
          continue;
        if (V == Path.front() && Path.size() >= 2) {
          Path.push_back(V);
          return true;
        }
        if (OnPath.count(V))
          continue;
        Path.push_back(V);
        OnPath.insert(V);
        if (Dfs(V))
          return true;
        OnPath.erase(V);
        Path.pop_back();
      }
      return false;
    };
    if (!Dfs(SCC.front()))
      continue;
    for (size_t I = 0; I + 1 < Path.size(); ++I)
      Cycle.push_back(Witness[{Path[I], Path[I + 1]}].front());
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
