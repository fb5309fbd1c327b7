// lock-not-released with AllCallsMayThrow: exception paths through any call that is not noexcept.
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

namespace orders {

struct Order {
  int id = 0;
};

// A helper of another file: it may throw, as far as this file can tell.
void Validate(const Order &O);

class OrderBook {
public:
  void Add(const Order &O) {
    mu_.lock(); // expect: lock-not-released "'orders::Validate' throws"
    Validate(O);
    ++count_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int count_ = 0;
};

} // namespace orders

namespace profiles {

// Copying a std::string may throw std::bad_alloc.
class Profile {
public:
  std::string Name() {
    mu_.lock(); // expect: lock-not-released "the std::string constructor throws"
    std::string Copy = name_;
    mu_.unlock();
    return Copy;
  }

private:
  std::mutex mu_;
  std::string name_;
};

} // namespace profiles

namespace quiet {

bool Check(int V) noexcept;
extern "C" int c_helper(int V);

// clean: lock-not-released  noexcept callees, C functions and stream output stay silent in the broad mode too
class Counter {
public:
  void Bump(int V) {
    mu_.lock();
    if (Check(V))
      n_ += c_helper(V);
    std::cout << n_;
    mu_.unlock();
  }

  // clean: lock-not-released  the call that may throw is in a try block that unlocks
  void Report() {
    mu_.lock();
    try {
      Log(n_);
    } catch (...) {
      mu_.unlock();
      throw;
    }
    mu_.unlock();
  }

private:
  void Log(int V);
  std::mutex mu_;
  int n_ = 0;
};

} // namespace quiet
