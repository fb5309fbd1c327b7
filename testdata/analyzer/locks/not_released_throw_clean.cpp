// lock-not-released look-alikes on exception paths: calls that are not noexcept but show no throw.
#include <any>
#include <cstddef>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace arena {

// A C-style allocator of another file, declared without noexcept as C code
// seen from C++ usually is.
struct Arena;
void *Allocate(Arena *A, std::size_t Bytes);
void Release(Arena *A, void *P);

// clean: lock-not-released  a C-style allocator of another file: not noexcept, but no throw is visible
class Pool {
public:
  void *Get(std::size_t Bytes) {
    mu_.lock();
    void *P = Allocate(arena_, Bytes);
    ++live_;
    mu_.unlock();
    return P;
  }

  // clean: lock-not-released  two calls of another file in one critical section
  void Put(void *P) {
    mu_.lock();
    Release(arena_, P);
    Release(arena_, nullptr);
    --live_;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  Arena *arena_ = nullptr;
  int live_ = 0;
};

} // namespace arena

namespace metrics {

void Record(const char *Name, long Value);

void RecordAll(const long *Values, int N) {
  for (int I = 0; I < N; ++I)
    Record("bucket", Values[I]);
}

// clean: lock-not-released  a helper of this file that only calls helpers without a visible throw
class Histogram {
public:
  void Flush() {
    mu_.lock();
    RecordAll(buckets_, 8);
    mu_.unlock();
  }

private:
  std::mutex mu_;
  long buckets_[8] = {};
};

} // namespace metrics

namespace text {

// clean: lock-not-released  copying a string and growing a vector throw only when memory runs out
class Log {
public:
  void Append(const std::string &Line) {
    mu_.lock();
    lines_.push_back(Line);
    last_ = Line;
    mu_.unlock();
  }

private:
  std::mutex mu_;
  std::vector<std::string> lines_;
  std::string last_;
};

} // namespace text

namespace lookups {

struct Base {
  virtual ~Base() = default;
};
struct Leaf : Base {
  int v = 0;
};

// clean: lock-not-released  the siblings that do not throw: operator[], find, value_or, any_cast of a pointer, dynamic_cast to a pointer, new (std::nothrow)
class Table {
public:
  int Read(std::size_t I, int Key, Base &B) {
    mu_.lock();
    int R = I < slots_.size() ? slots_[I] : 0;
    auto It = map_.find(Key);
    if (It != map_.end())
      R += It->second;
    R += limit_.value_or(0);
    if (const int *P = std::any_cast<int>(&extra_))
      R += *P;
    if (auto *L = dynamic_cast<Leaf *>(&B))
      R += L->v;
    int *Scratch = new (std::nothrow) int(R);
    mu_.unlock();
    delete Scratch;
    return R;
  }

private:
  std::mutex mu_;
  std::vector<int> slots_;
  std::map<int, int> map_;
  std::optional<int> limit_;
  std::any extra_;
};

} // namespace lookups

namespace parsing {

int ParseOr(const std::string &S, int Default) {
  try {
    return std::stoi(S);
  } catch (const std::exception &) {
    return Default;
  }
}

// clean: lock-not-released  a helper of this file whose throw is caught inside it
class Totals {
public:
  void Add(const std::string &S) {
    mu_.lock();
    sum_ += ParseOr(S, 0);
    mu_.unlock();
  }

  // clean: lock-not-released  the throwing call sits in a try block whose handler unlocks
  void AddStrict(const std::string &S) {
    mu_.lock();
    try {
      sum_ += std::stoi(S);
    } catch (...) {
      mu_.unlock();
      throw;
    }
    mu_.unlock();
  }

  // clean: lock-not-released  a throw in a noexcept function ends the program, it does not unwind to a caller
  void AddOrDie(const std::string &S) noexcept {
    mu_.lock();
    sum_ += std::stoi(S);
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int sum_ = 0;
};

} // namespace parsing
