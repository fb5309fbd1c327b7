//===- OrderInversionCheck.h - lock-order-inversion -------------*- C++ -*-===//
//
// Builds the translation unit's lock-order graph (Boost.Graph) from the
// dataflow's order edges and reports each cycle once, unless a common gate
// lock was held on every edge of it; edges chained where a function held
// many locks are composed back into the acquisitions that conflict. See
// docs/checks/lock-order-inversion.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_CHECKS_LOCKS_ORDERINVERSIONCHECK_H
#define LOCKSTEP_CHECKS_LOCKS_ORDERINVERSIONCHECK_H

#include "lockstep/analyzer/Check.h"
#include <deque>

namespace lockstep {

class OrderInversionCheck : public Check {
public:
  using Check::Check;
  void handleLockOrder(const std::vector<OrderEdge> &Edges,
                       clang::ASTContext &Ctx) override;

private:
  void report(const std::vector<const OrderEdge *> &Cycle,
              clang::ASTContext &Ctx);
  /// Replaces runs of chained edges X -> Y -> Z of \p Cycle, where X is
  /// still held when Z is acquired, by the edge X -> Z they stand for.
  std::vector<const OrderEdge *>
  compose(const std::vector<const OrderEdge *> &Cycle);
  std::deque<OrderEdge> Composed; ///< the edges compose() made up
};

} // namespace lockstep

#endif // LOCKSTEP_CHECKS_LOCKS_ORDERINVERSIONCHECK_H
