// Half of a deliberate call cycle between two files (see CMakeLists.txt): the layering check must find it.
namespace lockstep::probe {
int probe_b(int n);
int probe_a(int n) { return n > 0 ? probe_b(n - 1) : 0; }
}  // namespace lockstep::probe
