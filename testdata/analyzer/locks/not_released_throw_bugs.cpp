// lock-not-released on exception paths: a throw visible between lock() and unlock() leaves the mutex locked.
#include <any>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace inventory {

// vector::at throws std::out_of_range for a slot past the end.
class Stock {
public:
  int Count(std::size_t Slot) {
    mu_.lock(); // expect: lock-not-released "'std::vector::at' throws"
    int N = counts_.at(Slot);
    mu_.unlock();
    return N;
  }

private:
  std::mutex mu_;
  std::vector<int> counts_;
};

} // namespace inventory

namespace limits {

// std::stoi throws std::invalid_argument on text that is not a number.
class Limits {
public:
  void Set(const std::string &Text) {
    mu_.lock(); // expect: lock-not-released "'std::stoi' throws"
    max_ = std::stoi(Text);
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int max_ = 0;
};

} // namespace limits

namespace digits {

// The throw is two calls down, in helpers of this file.
void Expect(bool Ok, const char *What) {
  if (!Ok)
    throw std::runtime_error(What);
}

int ParseDigit(char C) {
  Expect(C >= '0' && C <= '9', "a digit");
  return C - '0';
}

class Totals {
public:
  void Add(char C) {
    mu_.lock(); // expect: lock-not-released "'digits::ParseDigit' throws"
    sum_ += ParseDigit(C);
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int sum_ = 0;
};

} // namespace digits

namespace plugins {

struct Plugin {
  virtual ~Plugin() = default;
};
struct Codec : Plugin {
  int level = 0;
};

// dynamic_cast to a reference throws std::bad_cast when the plugin is
// something else.
class Registry {
public:
  int Level(Plugin &P) {
    mu_.lock(); // expect: lock-not-released "the dynamic_cast throws"
    int L = dynamic_cast<Codec &>(P).level;
    mu_.unlock();
    return L;
  }

private:
  std::mutex mu_;
};

} // namespace plugins

namespace settings {

// optional::value() of an empty optional and any_cast to the wrong type
// throw.
class Store {
public:
  int Timeout() {
    mu_.lock(); // expect: lock-not-released "'std::optional::value' throws"
    int T = timeout_.value();
    mu_.unlock();
    return T;
  }

  std::string Name() {
    mu_.lock(); // expect: lock-not-released "'std::any_cast' throws"
    std::string N = std::any_cast<std::string>(name_);
    mu_.unlock();
    return N;
  }

private:
  std::mutex mu_;
  std::optional<int> timeout_;
  std::any name_;
};

} // namespace settings

namespace nodes {

struct Node {
  int value;
  Node *next;
};

// A new expression throws std::bad_alloc while the list is locked by hand.
class List {
public:
  void Push(int V) {
    pthread_mutex_lock(&lock_); // expect: lock-not-released "the new expression throws"
    head_ = new Node{V, head_};
    pthread_mutex_unlock(&lock_);
  }

private:
  pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
  Node *head_ = nullptr;
};

} // namespace nodes

namespace routing {

// map::at on a missing key, in a constructor of this file.
struct Route {
  Route(const std::map<int, int> &Table, int Key) : hop(Table.at(Key)) {}
  int hop;
};

class Router {
public:
  int Hop(int Key) {
    mu_.lock(); // expect: lock-not-released "Route constructor throws"
    Route R(table_, Key);
    mu_.unlock();
    return R.hop;
  }

private:
  std::mutex mu_;
  std::map<int, int> table_;
};

} // namespace routing
