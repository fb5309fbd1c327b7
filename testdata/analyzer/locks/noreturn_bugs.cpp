// Calls that return after all: an unlock before them still meets the guard's release at scope exit.
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace logging {

enum Severity { kInfo, kWarning, kError, kFatal };

// Aborts only for kFatal; every other severity returns.
void Log(Severity S, const char *Msg) {
  std::fprintf(stderr, "%d: %s\n", static_cast<int>(S), Msg);
  if (S == kFatal)
    std::abort();
}

class Journal {
public:
  // A warning returns: the guard then unlocks a mutex already unlocked.
  void Append(int Record) {
    std::lock_guard<std::mutex> G(mu_);
    if (Record < 0) {
      mu_.unlock();
      Log(kWarning, "negative record");
      return; // expect: lock-unlock-not-held
    }
    last_ = Record;
  }

  // The severity is not a constant here, so the call may return.
  void Check(int Record, Severity S) {
    std::lock_guard<std::mutex> G(mu_);
    if (Record < 0) {
      mu_.unlock();
      Log(S, "negative record");
      return; // expect: lock-unlock-not-held
    }
    last_ = Record;
  }

private:
  std::mutex mu_;
  int last_ = 0;
};

// Exits only when told to: called with a variable, it may return.
void ExitIf(bool Bad) {
  if (Bad)
    std::exit(3);
}

class Store {
public:
  void Flush(bool Ok, bool Strict) {
    std::unique_lock<std::mutex> Lk(mu_);
    if (!Ok) {
      mu_.unlock();
      ExitIf(Strict);
    }
  } // expect: lock-unlock-not-held

  // The same helper told not to exit returns.
  void Sync(bool Ok) {
    std::unique_lock<std::mutex> Lk(mu_);
    if (!Ok) {
      mu_.unlock();
      ExitIf(false);
    }
  } // expect: lock-unlock-not-held

private:
  std::mutex mu_;
};

// A virtual handler: the base aborts, but an override may return.
class Handler {
public:
  virtual ~Handler() = default;
  virtual void OnCorrupt() { std::abort(); }
};

class Table {
public:
  void Load(Handler &H, bool Ok) {
    std::lock_guard<std::mutex> G(mu_);
    if (!Ok) {
      mu_.unlock();
      H.OnCorrupt();
      return; // expect: lock-unlock-not-held
    }
    ++rows_;
  }

private:
  std::mutex mu_;
  int rows_ = 0;
};

} // namespace logging

namespace external_log {

enum class LogSeverity { kInfo, kWarning, kError, kFatal };
void RawLog(LogSeverity S, const char *File, int Line, const char *Msg);
void SetMinLogLevel(LogSeverity S);

// An error is logged and the program goes on, or a call names the fatal
// severity without logging at it: the guard's release still runs.
class Graph {
public:
  int Check(int Cycle) {
    std::lock_guard<std::mutex> G(mu_);
    if (Cycle > 0) {
      mu_.unlock();
      RawLog(LogSeverity::kError, __FILE__, __LINE__, "cycle");
      return -1; // expect: lock-unlock-not-held
    }
    return 0;
  }
  void Quiet() {
    std::lock_guard<std::mutex> G(mu_);
    mu_.unlock();
    SetMinLogLevel(LogSeverity::kFatal);
  } // expect: lock-unlock-not-held

private:
  std::mutex mu_;
};

} // namespace external_log
