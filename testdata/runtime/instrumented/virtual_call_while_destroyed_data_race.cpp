// Unannotated code, built with lockstep_instrument: a thread calls a virtual function of an object that
// main destroys at the same time. The call reads the object's vtable pointer; the base class's destructor
// writes it (the object becomes a Base: its body hands `this` to a function that makes a virtual call, so
// the compilers keep that store), and nothing orders the two. The thread waits for a relaxed flag, which
// fixes which runs first without ordering them; the object lives in a static buffer.
// expect-stack: 0 call_name
// expect-stack: 1 main
#include <atomic>
#include <new>
#include <thread>

namespace {
int last_name = 0;
struct Base;
__attribute__((noinline)) void observe(const Base *b);
struct Base {
  virtual ~Base() { observe(this); }
  virtual int name() const { return 1; }
};
void observe(const Base *b) { last_name = b->name(); }
struct Derived : Base {
  int name() const override { return 2; }
};
alignas(Derived) unsigned char storage[sizeof(Derived)];

__attribute__((noinline)) int call_name(const Base *b) { return b->name(); }
}  // namespace

int main() {
  Base *b = new (storage) Derived;
  int seen = 0;
  std::atomic<bool> destroyed{false};
  std::thread t([&] {
    while (!destroyed.load(std::memory_order_relaxed)) {
    }
    seen = call_name(b);
  });
  b->~Base();
  destroyed.store(true, std::memory_order_relaxed);
  t.join();
  return seen == 1 && last_name == 1 ? 0 : 1;
}
