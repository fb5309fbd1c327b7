// emit_report: suppress, symbolize, print, append JSON, count, notify observers, halt;
// plus the reporting layer's initialisation and the process exit status.
#include "report.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <unordered_set>

#include "flags.hpp"
#include "lockstep/reports.hpp"
#include "suppressions.hpp"

namespace lockstep::rt {
namespace {

// All state below is zero-initialised or created on first use and never destroyed, so
// a report during static destruction finds it intact.
std::atomic<int> init_state{0};  // 0 not started, 1 running, 2 done
std::atomic<std::uint64_t> emitted{0};
suppression_list *suppressions_loaded = nullptr;

spin_mutex report_mutex;         // serializes printing; never a pthread mutex
// Set while this thread is inside emit_report (observers included), to drop re-entrant
// reports instead of spinning on report_mutex forever. initial-exec: no allocation on
// first access, usable from signal handlers.
__attribute__((tls_model("initial-exec"))) thread_local bool in_report = false;

// Keys of the `once_per_site` reports printed so far (guarded by report_mutex; never destroyed).
std::unordered_set<std::uint64_t> *sites_reported = nullptr;

std::uint64_t mix_in(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

// True the first time a `once_per_site` report with this kind, these objects and this first stack
// is seen (called with report_mutex held).
bool first_at_site(const report &r) {
  std::uint64_t h = 0;
  for (char c : r.kind) h = mix_in(h, static_cast<unsigned char>(c));
  for (const report_object &o : r.objects) h = mix_in(h, o.address);
  if (!r.events.empty()) {
    const stack_trace &st = r.events.front().stack;
    for (std::uint32_t i = 0; i < st.size && i < stack_trace::max_frames; ++i) h = mix_in(h, st.pcs[i]);
  }
  if (sites_reported == nullptr) sites_reported = new std::unordered_set<std::uint64_t>();
  return sites_reported->insert(h).second;
}

// Lock-order reports printed, and those beyond max_lock_order_reports (guarded by report_mutex).
std::uint64_t lock_order_printed = 0;
std::atomic<std::uint64_t> lock_order_capped{0};

spin_mutex log_mutex;  // guards the two fields below (taken under report_mutex only)
int log_fd = -1;
pid_t log_pid = -1;

struct observer_slot {
  lockstep::report_observer fn = nullptr;
  void *context = nullptr;
};
constexpr int max_observers = 8;
spin_mutex observers_mutex;
observer_slot observers[max_observers];

// False (errno set) when not all of `text` could be written.
bool write_all(int fd, const std::string &text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void message(const std::string &text) { write_all(2, "lockstep: " + text + "\n"); }

// The text log: stderr, stdout, or PATH.<pid> (one file per process, so forked or
// parallel test processes never mix their reports); reopened after fork.
int text_log_fd() {
  const std::string &path = flags().log_path;
  if (path.empty() || path == "stderr") return 2;
  if (path == "stdout") return 1;
  pid_t self = ::getpid();
  if (log_fd >= 0 && log_pid == self) return log_fd;
  if (log_fd >= 0) ::close(log_fd);  // inherited from the parent across fork
  std::string file = path + "." + std::to_string(self);
  log_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  log_pid = self;
  if (log_fd < 0) {
    message("cannot open log_path file '" + file + "': " + std::strerror(errno) + "; reporting to stderr");
    log_fd = 2;
  }
  return log_fd;
}

// Whether a report_json failure was already told (called under report_mutex).
bool json_failure_told = false;

// A report that cannot go to report_json is still printed as text; the user is told once that the
// file misses reports (a full disk, /dev/full, a read-only file), never left to find it out.
void json_failed(const std::string &what) {
  if (json_failure_told) return;
  json_failure_told = true;
  message(what + "; this report and any later one that fails too are missing from it (said once)");
}

void append_json(const std::string &line) {
  const std::string &path = flags().report_json;
  if (path.empty()) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    json_failed("cannot open report_json file '" + path + "': " + std::strerror(errno));
    return;
  }
  // One write of the whole line: O_APPEND makes it atomic with respect to other
  // processes appending to the same file.
  if (!write_all(fd, line)) json_failed("cannot write to report_json file '" + path + "': " + std::strerror(errno));
  if (::close(fd) != 0 && errno != EINTR)  // NFS and some file systems report a failed write only here
    json_failed("cannot write to report_json file '" + path + "': " + std::strerror(errno));
}

void write_to_text_log(const std::string &text) {
  log_mutex.lock();
  write_all(text_log_fd(), text);
  log_mutex.unlock();
}

// The one line that stands for the lock-order reports the cap held back (at exit).
void print_capped_reports() {
  const std::uint64_t n = lock_order_capped.load(std::memory_order_acquire);
  if (n == 0) return;
  write_to_text_log("lockstep: " + std::to_string(n) + " more lock-order-inversion report" + (n == 1 ? "" : "s") +
                    " suppressed (max_lock_order_reports=" + std::to_string(flags().max_lock_order_reports) +
                    "; 0 prints them all)\n");
}

void flush_stdout_without_blocking() {
  // A thread that holds stdout's lock may be one of the deadlocked ones: never wait.
  if (ftrylockfile(stdout) == 0) {
    fflush_unlocked(stdout);
    funlockfile(stdout);
  }
}

void print_used_suppressions() {
  if (suppressions_loaded == nullptr || flags().verbosity < 1) return;
  std::string text;
  for (const suppression &s : suppressions_loaded->rules())
    if (s.hits > 0)
      text += "  " + std::to_string(s.hits) + " " + s.kind + ":" + s.pattern + " (line " +
              std::to_string(s.line) + ")\n";
  if (!text.empty()) write_all(2, "lockstep: used suppressions:\n" + text);
}

// Registered with on_exit: sees the exit status (see reporting_init in report.hpp).
void on_process_exit(int status, void *) {
  print_capped_reports();
  print_used_suppressions();
  if (status != 0 || emitted.load(std::memory_order_acquire) == 0) return;
  int code = flags().exitcode;
  if (code == 0) return;
  fflush(nullptr);  // _exit skips stdio's own flush
  ::_exit(code);
}

std::string title_of(std::string_view kind) {
  std::string title(kind);
  for (char &c : title)
    if (c == '-') c = ' ';
  return title;
}

}  // namespace

// Frames of the C++ and C libraries (std headers inlined into user code, glibc's own
// sources, system shared objects) and of lockstep's drop-in types: a report's location
// should point past them at the user's code, e.g. the lock_guard line rather than
// gthr-default.h or lockstep/mutex.hpp.
bool is_library_frame(const frame &f) {
  // The drop-in types (<lockstep/mutex.hpp>, ...) and <lockstep/coroutine.hpp> are library code in
  // the user's binary (a template's demangled name may start with its return type: the file tells).
  if (f.function.rfind("lockstep::", 0) == 0) return true;
  const std::string &file = f.file;
  if (!file.empty())
    return file.rfind("/usr/include/", 0) == 0 || file.find("/include/c++/") != std::string::npos ||
           file.find("/include/lockstep/") != std::string::npos || file.rfind("./", 0) == 0;
  return f.module.rfind("/lib/", 0) == 0 || f.module.rfind("/usr/lib/", 0) == 0 ||
         f.module.rfind("/lib64/", 0) == 0;
}

// The frame a one-line location should name: the innermost user frame with a source
// line, else the innermost user frame with a name, else the innermost user frame at all
// (unsymbolized, symbolize=0: its module and offset still point into the user's code,
// where libc's exported __libc_start_main would not), else the innermost frame with a
// line or a name.
const frame *location_frame(const std::vector<frame> &frames) {
  for (const frame &f : frames)
    if (!is_library_frame(f) && !f.file.empty()) return &f;
  for (const frame &f : frames)
    if (!is_library_frame(f) && !f.function.empty()) return &f;
  for (const frame &f : frames)
    if (!is_library_frame(f) && !f.module.empty()) return &f;
  for (const frame &f : frames)
    if (!f.file.empty() || !f.function.empty()) return &f;
  return nullptr;
}

namespace {

std::string module_offset(const frame &f) {
  char offset[32];
  std::snprintf(offset, sizeof offset, "+0x%llx", static_cast<unsigned long long>(f.module_offset));
  return f.module + offset;
}

std::string where(const std::vector<frame> &frames) {
  const frame *f = location_frame(frames);
  if (f == nullptr) return {};
  if (!f->file.empty()) return f->file + ":" + std::to_string(f->line);
  return f->function.empty() ? module_offset(*f) : f->function;
}

// Priority 101: before the C++ dynamic initialisers of the same module, so the exit
// handler is registered before any static object whose destructor might report.
__attribute__((constructor(101))) void reporting_init_at_load() { reporting_init(); }

}  // namespace

void reporting_init() {
  if (init_state.load(std::memory_order_acquire) == 2) return;
  int expected = 0;
  if (!init_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    while (init_state.load(std::memory_order_acquire) != 2) sched_yield();
    return;
  }
  const flags_t &f = flags();
  auto *list = new suppression_list();
  if (!f.suppressions.empty()) {
    std::string error;
    if (!list->load_file(f.suppressions, error)) {
      message("invalid suppressions: " + error);
      ::_exit(2);
    }
    if (f.verbosity >= 1)
      message("loaded " + std::to_string(list->rules().size()) + " suppressions from " + f.suppressions);
  }
  suppressions_loaded = list;
  stack_init();
  on_exit(on_process_exit, nullptr);
  init_state.store(2, std::memory_order_release);
}

printed_report prepare_report(const report &r) {
  printed_report p;
  p.kind = std::string(r.kind);
  p.title = title_of(r.kind);
  p.pid = static_cast<long>(::getpid());
  p.missing_edge = r.missing_edge;
  // One symbolizer run for every stack of the report; the symbolize() calls below then
  // find all their pcs in the cache.
  std::vector<const stack_trace *> stacks;
  for (const report_event &e : r.events) {
    stacks.push_back(&e.stack);
    for (const report_lock &l : e.locks_held) stacks.push_back(&l.acquired_at);
  }
  for (const report_object &o : r.objects) stacks.push_back(&o.created_at);
  for (const report_thread &t : r.threads) stacks.push_back(&t.created_at);
  (void)symbolize_many(stacks);
  for (const report_event &e : r.events) {
    printed_event pe;
    pe.description = e.description;
    pe.thread = e.thread;
    pe.stack = symbolize(e.stack);
    pe.locks_known = e.locks_known;
    for (const report_lock &l : e.locks_held) {
      printed_lock pl;
      pl.address = l.address;
      pl.description = l.description;
      pl.acquired_at = symbolize(l.acquired_at);
      pl.acquired_where = where(pl.acquired_at);
      pl.show_acquisition = l.show_acquisition;
      pe.locks_held.push_back(std::move(pl));
    }
    p.events.push_back(std::move(pe));
  }
  for (const report_object &o : r.objects)
    p.objects.push_back(printed_object{o.address, o.description, symbolize(o.created_at)});
  for (const report_thread &t : r.threads)
    p.threads.push_back(printed_thread{t.id, t.name, t.finished, t.parent, t.id == 0, symbolize(t.created_at)});
  // The location is the first event's innermost user frame, as in TSan's SUMMARY.
  if (!p.events.empty()) {
    if (const frame *f = location_frame(p.events.front().stack)) {
      if (!f->file.empty()) p.location = f->file + ":" + std::to_string(f->line);
      if (!f->function.empty()) p.location += (p.location.empty() ? "in " : " in ") + f->function;
      if (p.location.empty()) p.location = module_offset(*f);  // symbolize=0, no symbol: module+offset
    }
  }
  p.detail = r.summary;
  p.summary = !r.summary.empty() ? r.summary : p.title + (p.location.empty() ? "" : " " + p.location);
  return p;
}

bool emit_report(report &&r) {
  reporting_init();
  if (in_report) return false;  // re-entrant: drop
  in_report = true;
  report_mutex.lock();
  if (r.once_per_site && !first_at_site(r)) {
    report_mutex.unlock();
    in_report = false;
    return false;
  }
  const bool lock_order = r.kind == "lock-order-inversion";
  if (lock_order && flags().max_lock_order_reports > 0 &&
      lock_order_printed >= static_cast<std::uint64_t>(flags().max_lock_order_reports)) {
    // Counted, not printed (nor symbolized): a program with many inversions must not drown its log.
    if (lock_order_capped.fetch_add(1, std::memory_order_acq_rel) == 0)
      write_to_text_log("lockstep: max_lock_order_reports=" + std::to_string(flags().max_lock_order_reports) +
                        " reached; further lock-order-inversion reports are counted and summed up at exit\n");
    report_mutex.unlock();
    in_report = false;
    return false;
  }

  printed_report printed = prepare_report(r);
  std::vector<const std::vector<frame> *> stacks;
  for (const printed_event &e : printed.events) stacks.push_back(&e.stack);
  if (suppressions_loaded != nullptr && suppressions_loaded->match(printed.kind, stacks) != nullptr) {
    report_mutex.unlock();
    in_report = false;
    return false;
  }
  const std::string text = format_report_text(printed);
  write_to_text_log(text);
  if (lock_order) ++lock_order_printed;
  append_json(format_report_json(printed));
  emitted.fetch_add(1, std::memory_order_acq_rel);

  observer_slot snapshot[max_observers];
  observers_mutex.lock();
  for (int i = 0; i < max_observers; ++i) snapshot[i] = observers[i];
  observers_mutex.unlock();
  report_mutex.unlock();
  // Observers run outside the print lock (so another thread can report meanwhile) but
  // still marked as this thread's report, so a report they trigger is dropped.
  for (const observer_slot &slot : snapshot)
    if (slot.fn != nullptr) slot.fn(printed.kind.c_str(), text.c_str(), slot.context);
  in_report = false;

  if (flags().halt_on_error) die_after_report();
  return true;
}

void report_fork_lock() noexcept {
  report_mutex.lock();
  log_mutex.lock();
  observers_mutex.lock();
}

void report_fork_unlock() noexcept {
  observers_mutex.unlock();
  log_mutex.unlock();
  report_mutex.unlock();
}

std::uint64_t reports_emitted() { return emitted.load(std::memory_order_acquire); }

void die_after_report() {
  print_capped_reports();
  print_used_suppressions();
  flush_stdout_without_blocking();
  ::_exit(flags().exitcode);
}

}  // namespace lockstep::rt

namespace lockstep {

std::uint64_t report_count() noexcept { return rt::reports_emitted(); }

bool add_report_observer(report_observer observer, void *context) noexcept {
  if (observer == nullptr) return false;
  rt::observers_mutex.lock();
  bool added = false;
  for (auto &slot : rt::observers)
    if (slot.fn == nullptr) {
      slot = {observer, context};
      added = true;
      break;
    }
  rt::observers_mutex.unlock();
  return added;
}

bool remove_report_observer(report_observer observer, void *context) noexcept {
  rt::observers_mutex.lock();
  bool removed = false;
  for (auto &slot : rt::observers)
    if (slot.fn == observer && slot.context == context) {
      slot = {};
      removed = true;
      break;
    }
  rt::observers_mutex.unlock();
  return removed;
}

}  // namespace lockstep
