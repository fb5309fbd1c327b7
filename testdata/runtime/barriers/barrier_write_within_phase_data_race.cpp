// Bug (data-race): the stencil of barrier_stencil_norace with one buffer instead of two: in the same
// phase a thread writes its cells while its neighbour reads them (the barrier orders phases, not
// accesses inside one), so a read of a neighbour's cell races with that neighbour's write.
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
constexpr int threads = 2, per_thread = 4, cells = threads * per_thread, phases = 3;
double grid[cells];
lockstep::barrier<> step{threads, "step"};

void run(int t) {
  for (int p = 0; p < phases; ++p) {
    for (int i = t * per_thread; i < (t + 1) * per_thread; ++i) {
      const int l = (i + cells - 1) % cells, r = (i + 1) % cells;
      LOCKSTEP_READ(grid[l]);
      LOCKSTEP_READ(grid[r]);
      LOCKSTEP_WRITE(grid[i]);  // in place: a neighbour reads it in this same phase
      grid[i] = (grid[l] + grid[i] + grid[r]) / 3;
    }
    step.arrive_and_wait();
  }
}
}  // namespace

int main() {
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(run, t);
  for (auto &t : ts) t.join();
  return 0;
}
