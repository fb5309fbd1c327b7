// Unannotated code, built with lockstep_instrument: the clean look-alike of
// virtual_call_while_destroyed_data_race. Threads call virtual functions of one shared object at once (each
// call reads its vtable pointer: reads never race), and the object is built before the threads start and
// destroyed after they are joined, so the constructor's and destructor's writes of that pointer are ordered
// with every call.
#include <memory>
#include <thread>
#include <vector>

namespace {
struct Shape {
  virtual ~Shape() = default;
  virtual int sides() const = 0;
};
struct Square : Shape {
  int sides() const override { return 4; }
};
struct Triangle : Shape {
  int sides() const override { return 3; }
};
}  // namespace

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Square>());
  shapes.push_back(std::make_unique<Triangle>());
  int totals[4] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&shapes, &totals, i] {
      for (int round = 0; round < 1000; ++round)
        for (const auto &s : shapes) totals[i] += s->sides();
    });
  for (auto &t : threads) t.join();
  shapes.clear();  // the destructors, after every call
  for (int total : totals)
    if (total != 7000) return 1;
  return 0;
}
