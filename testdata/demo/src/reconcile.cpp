// reconcile(): end-of-day balances computed in phases by worker threads (start latch + std::barrier).
#include "minibank/reconcile.hpp"

#include <algorithm>
#include <barrier>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace minibank {

namespace {

// The half-open range [begin, end) of \p count items that worker \p w of
// \p workers handles.
std::pair<std::size_t, std::size_t> slice(std::size_t count, std::size_t w,
                                          std::size_t workers) {
  return {count * w / workers, count * (w + 1) / workers};
}

class Reconciler {
public:
  Reconciler(const std::vector<Cents> &opening,
             const std::vector<Transfer> &transfers, std::size_t workers)
      : opening_(opening), transfers_(transfers), workers_(workers),
        deltas_(workers, std::vector<Cents>(opening.size(), 0)),
        applied_(workers, 0), sums_(workers, 0), balances_(opening),
        phase_end_(static_cast<std::ptrdiff_t>(workers), PhaseEnd{this}) {}

  Reconciliation run() {
    {
      std::vector<std::jthread> threads;
      threads.reserve(workers_);
      try {
        for (std::size_t w = 0; w < workers_; ++w)
          threads.emplace_back([this, w] { work(w); });
      } catch (...) {
        // Too few threads to fill the barrier: release the ones that exist
        // so that they return (and the jthreads join) instead of waiting.
        cancelled_ = true;
        start_.count_down();
        throw;
      }
      // Every worker is running: fire the start gun so that they all begin
      // phase 1 together.
      start_.count_down();
    } // the jthreads join here
    Reconciliation result;
    result.balances = std::move(balances_);
    result.total = total_;
    for (std::size_t a : applied_)
      result.applied += a;
    result.errors = std::move(errors_);
    std::sort(result.errors.begin(), result.errors.end());
    return result;
  }

private:
  // Runs on exactly one thread after every worker arrived, before any of
  // them continues: the barrier orders the phases' memory for us.
  struct PhaseEnd {
    Reconciler *self;
    void operator()() noexcept { self->finish_phase(); }
  };

  void work(std::size_t w) {
    start_.wait();
    if (cancelled_)
      return;
    // Phase 1: validate this worker's transfers and accumulate their deltas.
    auto [first, last] = slice(transfers_.size(), w, workers_);
    for (std::size_t i = first; i < last; ++i) {
      const Transfer &t = transfers_[i];
      if (t.from >= opening_.size() || t.to >= opening_.size()) {
        record_error("transfer " + std::to_string(t.id) + ": no such account");
      } else if (t.from == t.to) {
        record_error("transfer " + std::to_string(t.id) + ": same account on both sides");
      } else if (t.amount <= 0) {
        record_error("transfer " + std::to_string(t.id) + ": amount must be positive");
      } else {
        deltas_[w][t.from] -= t.amount;
        deltas_[w][t.to] += t.amount;
        ++applied_[w];
      }
    }
    phase_end_.arrive_and_wait();
    // Phase 2: sum this worker's share of the merged balances.
    auto [lo, hi] = slice(balances_.size(), w, workers_);
    Cents sum = 0;
    for (std::size_t a = lo; a < hi; ++a)
      sum += balances_[a];
    sums_[w] = sum;
    phase_end_.arrive_and_wait();
  }

  void finish_phase() noexcept {
    if (phase_ == 0) {
      for (const auto &delta : deltas_)
        for (std::size_t a = 0; a < delta.size(); ++a)
          balances_[a] += delta[a];
    } else {
      for (Cents s : sums_)
        total_ += s;
    }
    ++phase_;
  }

  void record_error(std::string message) {
    // BUG(lock-unnamed-guard): this guard is a temporary, destroyed at the end
    // of the statement: errors_mutex_ is locked and unlocked at once and the
    // push_back below races with the other workers' errors.
    std::lock_guard<std::mutex>{errors_mutex_};
    errors_.push_back(std::move(message));
  }

  const std::vector<Cents> &opening_;
  const std::vector<Transfer> &transfers_;
  const std::size_t workers_;
  std::vector<std::vector<Cents>> deltas_; // [worker][account], one row per worker
  std::vector<std::size_t> applied_;       // [worker]
  std::vector<Cents> sums_;                // [worker]
  std::vector<Cents> balances_;            // written only by finish_phase
  Cents total_ = 0;                        // written only by finish_phase
  int phase_ = 0;                          // used only by finish_phase
  bool cancelled_ = false; // written before start_ counts down, read after
  std::mutex errors_mutex_;
  std::vector<std::string> errors_; // guarded by errors_mutex_
  std::latch start_{1};
  std::barrier<PhaseEnd> phase_end_;
};

} // namespace

Reconciliation reconcile(const std::vector<Cents> &opening,
                         const std::vector<Transfer> &transfers,
                         std::size_t workers) {
  if (workers == 0)
    throw std::invalid_argument("reconcile: workers must be at least 1");
  Reconciler reconciler(opening, transfers, workers);
  return reconciler.run();
}

} // namespace minibank
