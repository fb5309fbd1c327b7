// The other half of the deliberate call cycle of cycle_probe_a.cpp.
namespace lockstep::probe {
int probe_a(int n);
int probe_b(int n) { return n > 0 ? probe_a(n - 1) : 1; }
}  // namespace lockstep::probe
