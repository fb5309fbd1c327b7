// Unannotated code, built with lockstep_instrument: two threads insert into one std::map without a
// lock. The race is inside the map's own code, seen through the instrumented template.
// expect-stack: 0 insert_range
#include <map>
#include <string>
#include <thread>

namespace {
std::map<int, std::string> names;
void insert_range(int base) {
  for (int i = 0; i < 50; ++i) names[base + i] = "n" + std::to_string(i);
}
}  // namespace

int main() {
  std::thread a(insert_range, 0), b(insert_range, 1000);
  a.join();
  b.join();
  return names.empty() ? 1 : 0;
}
