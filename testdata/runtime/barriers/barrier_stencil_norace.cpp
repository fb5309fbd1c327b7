// Clean (norace): a 1-D Jacobi stencil in phases with lockstep::barrier. Each of four threads owns
// a block of cells: in a phase it reads its neighbours' cells of the current buffer (written by the
// neighbour threads in the previous phase) and writes its own cells of the next buffer; the
// completion function swaps the buffers and counts the phase. Every write of a phase happens before
// the reads of the next one (arrivals -> completion -> departures).
#include <lockstep/lockstep.hpp>

#include <thread>
#include <vector>

namespace {
constexpr int threads = 4, per_thread = 8, cells = threads * per_thread, phases = 20;
double buffers[2][cells];
int current = 0;  // written only by the completion function
int phases_done = 0;

struct swap_buffers {
  void operator()() noexcept {
    LOCKSTEP_WRITE(current);
    current = 1 - current;
    LOCKSTEP_WRITE(phases_done);
    ++phases_done;
  }
};
lockstep::barrier<swap_buffers> step{threads, "step"};

void run(int t) {
  for (int p = 0; p < phases; ++p) {
    LOCKSTEP_READ(current);
    const double *in = buffers[current];
    double *out = buffers[1 - current];
    for (int i = t * per_thread; i < (t + 1) * per_thread; ++i) {
      const int l = (i + cells - 1) % cells, r = (i + 1) % cells;
      LOCKSTEP_READ(in[l]);
      LOCKSTEP_READ(in[i]);
      LOCKSTEP_READ(in[r]);
      LOCKSTEP_WRITE(out[i]);
      out[i] = (in[l] + in[i] + in[r]) / 3;
    }
    if (p % 2)
      step.arrive_and_wait();
    else
      step.wait(step.arrive());
  }
}
}  // namespace

int main() {
  for (int i = 0; i < cells; ++i) buffers[0][i] = i % 2 ? 1.0 : 0.0;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(run, t);
  for (auto &t : ts) t.join();
  LOCKSTEP_READ(phases_done);
  return phases_done == phases ? 0 : 1;
}
