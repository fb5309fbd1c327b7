// Calls that never return end their path: what follows them (a return in a guard's scope) never runs.
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace logging {

enum Severity { kInfo, kWarning, kError, kFatal };

// Aborts for kFatal, through a switch on the severity.
void Log(Severity S, const char *Msg) {
  std::fprintf(stderr, "%s\n", Msg);
  switch (S) {
  case kFatal:
    std::abort();
  default:
    break;
  }
}

// Not marked noreturn, but every path ends in exit().
void Die(const char *Msg) {
  std::fputs(Msg, stderr);
  std::exit(2);
}

// Never returns either: it calls a function that never returns.
void DieWithCode(int Code) {
  std::fprintf(stderr, "code %d\n", Code);
  Die("giving up");
}

class Journal {
public:
  // clean: lock-unlock-not-held  the fatal log aborts: the return and the guard's release never run
  void Append(int Record) {
    std::lock_guard<std::mutex> G(mu_);
    if (Record < 0) {
      mu_.unlock();
      Log(kFatal, "negative record");
      return;
    }
    last_ = Record;
  }

  // clean: lock-unlock-not-held  a helper that always exits, unannotated
  void Replay(int Record) {
    std::lock_guard<std::mutex> G(mu_);
    if (Record < 0) {
      mu_.unlock();
      Die("corrupt journal");
      return;
    }
    last_ = Record;
  }

  // clean: lock-unlock-not-held  exits two calls down
  void Truncate(int At) {
    std::unique_lock<std::mutex> Lk(mu_);
    if (At < 0) {
      mu_.unlock();
      DieWithCode(At);
    }
    last_ = At;
  }

  // clean: lock-not-released  locked by hand; the early return follows a fatal log, so it never runs
  void Verify(int Record) noexcept {
    mu_.lock();
    if (Record != last_) {
      Log(kFatal, "journal out of sync");
      return;
    }
    mu_.unlock();
  }

private:
  std::mutex mu_;
  int last_ = 0;
};

} // namespace logging

namespace exits {

void ExitIf(bool Bad) {
  if (Bad)
    std::exit(3);
}

// clean: lock-unlock-not-held  the helper told to exit does: the scope end is not reached on that path
class Store {
public:
  void Flush(bool Ok) {
    std::unique_lock<std::mutex> Lk(mu_);
    if (!Ok) {
      mu_.unlock();
      ExitIf(true);
    }
  }

private:
  std::mutex mu_;
};

} // namespace exits

namespace external_log {

// Defined in another file: only the fatal severity says it ends the program.
enum class LogSeverity { kInfo, kWarning, kError, kFatal };
void RawLog(LogSeverity S, const char *File, int Line, const char *Msg);

// clean: lock-unlock-not-held  a logging call at fatal severity, its body elsewhere, ends the path
class Graph {
public:
  int Check(int Cycle) {
    std::lock_guard<std::mutex> G(mu_);
    if (Cycle > 0) {
      mu_.unlock(); // the fatal handler may need the lock
      RawLog(LogSeverity::kFatal, __FILE__, __LINE__, "dying");
      return -1;
    }
    return 0;
  }

private:
  std::mutex mu_;
};

} // namespace external_log
