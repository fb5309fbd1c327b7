// Unannotated code, built with lockstep_instrument: double-checked locking through a plain pointer.
// The check outside the lock reads the pointer another thread writes under it; a thread that sees it
// set also reads the object without any happens-before from its construction.
// expect-stack: 0 main
// expect-stack: 1 instance
#include <mutex>
#include <thread>

namespace {
struct Config {
  int limit = 10;
};
Config *config = nullptr;
std::mutex config_mu;

Config *instance() {
  if (!config) {
    std::lock_guard<std::mutex> g(config_mu);
    if (!config) config = new Config;
  }
  return config;
}
}  // namespace

int main() {
  int a = 0, b = 0;
  std::thread t1([&] { a = instance()->limit; }), t2([&] { b = instance()->limit; });
  t1.join();
  t2.join();
  delete config;
  return a + b == 20 ? 0 : 1;
}
