// The runtime's report model: what a report says, independent of how it is printed.
//
// Detectors fill a `report` (outside the runtime's internal lock) and hand it to
// `emit_report`, which applies suppressions, symbolizes stacks, prints text to the
// log, appends JSON when asked, counts it for the exit status and the GoogleTest
// listener, and stops the process when `halt_on_error=1`. Printers hold no logic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stack.hpp"  // stack_trace, capture_stack, frame, symbolize

namespace lockstep::rt {

// A thread as reports show it: "thread T3 'worker' created at ...".
struct report_thread {
  std::uint64_t id = 0;         // 0 is the main thread
  std::string name;             // from pthread_setname_np / lockstep::thread, may be empty
  stack_trace created_at;       // empty for the main thread
  bool finished = false;
  std::uint64_t parent = 0;     // the thread that created it (ignored for the main thread)
};

// A lock held by a thread at the time of an event.
struct report_lock {
  std::uintptr_t address = 0;
  std::string description;      // "mutex M2 (std::mutex at 0x...)"
  stack_trace acquired_at;      // may be empty when unknown
  bool show_acquisition = false; // the text layout prints the whole acquisition stack, not one line
};

// One event of the report: an access, an acquisition, a blocked wait, a misuse.
struct report_event {
  std::string description;      // "Write of size 4 at 0x7f.. by thread T1"
  std::uint64_t thread = 0;
  stack_trace stack;
  std::vector<report_lock> locks_held;
  bool locks_known = true;      // false: the locks held then were not recorded (not "none")
};

// A sync object or memory location the report is about.
struct report_object {
  std::uintptr_t address = 0;
  std::string description;      // "std::mutex M2", "heap block of size 16"
  stack_trace created_at;       // may be empty
};

struct report {
  // One of the runtime report kinds of DESIGN.md: "data-race", "double-lock",
  // "unlock-not-owner", "unlock-not-locked", "destroy-locked-mutex",
  // "lock-order-inversion", "deadlock", "cv-multiple-mutexes", "cv-wait-without-lock", ...
  std::string_view kind;
  std::string summary;                  // one line, e.g. "data race on 0x.. (4 bytes)"
  std::vector<report_event> events;     // in the order a reader should follow them
  std::vector<report_object> objects;
  std::vector<report_thread> threads;   // every thread an event mentions
  std::string missing_edge;             // what happens-before edge would have prevented it, if any
  // Misuse reports set this: printed once per (kind, objects, stack of the first event), so a misuse
  // repeated in a loop is one report, while the same misuse of the same objects at another call site
  // is a report of its own.
  bool once_per_site = false;
};

// Delivers a report. Never called with the runtime's internal lock held. Safe from
// several threads at once (printing is serialized by a spinlock, never a pthread mutex)
// and during static destruction. A report raised while the same thread is already
// inside emit_report (e.g. from a report observer) is dropped, never deadlocked on.
// Returns false when a suppression matched or the report was dropped (nothing printed
// or counted): a repeat of a `once_per_site` report, or a report beyond its kind's cap. With halt_on_error=1 it does not return after printing: see
// die_after_report.
bool emit_report(report &&r);

// fork(): the printing, log and observer locks, held across the fork by the runtime's
// atfork handlers (before every other runtime lock) so a child forked while another thread
// prints a report never inherits them held.
void report_fork_lock() noexcept;
void report_fork_unlock() noexcept;

// How many reports were emitted (not suppressed) so far in this process.
std::uint64_t reports_emitted();

// Flushes what can be flushed without blocking and ends the process with
// _exit(flags().exitcode). For paths that cannot continue after their report
// (a real deadlock, a double lock that would hang).
[[noreturn]] void die_after_report();

// Initialises the reporting layer: parses LOCKSTEP_OPTIONS (exit 2 on error), loads
// the suppressions file (exit 2 with file:line on error), warms up the unwinder and
// installs the exit-status handler. Idempotent and thread-safe; runs automatically
// when the runtime is loaded (a constructor in report.cpp) and on the first report.
//
// Exit status: the handler is registered with glibc's on_exit(), which sees the
// status passed to exit() or returned from main. When that status is 0 and at least
// one report was emitted, the process exits with flags().exitcode instead (after
// flushing stdio); a non-zero status is kept. _exit(), quick_exit() and death by a
// signal bypass it.
void reporting_init();

// --- The symbolized view that the printers format (built by emit_report). ---------

struct printed_lock {
  std::uintptr_t address = 0;
  std::string description;
  std::string acquired_where;          // "file:line", or the function when no line; may be ""
  std::vector<frame> acquired_at;
  bool show_acquisition = false;
};

struct printed_event {
  std::string description;
  std::uint64_t thread = 0;
  std::vector<frame> stack;
  std::vector<printed_lock> locks_held;
  bool locks_known = true;
};

struct printed_object {
  std::uintptr_t address = 0;
  std::string description;
  std::vector<frame> created_at;
};

struct printed_thread {
  std::uint64_t id = 0;
  std::string name;
  bool finished = false;
  std::uint64_t parent = 0;
  bool is_main = false;
  std::vector<frame> created_at;
};

struct printed_report {
  std::string kind;                     // "data-race"
  std::string title;                    // "data race"
  std::string detail;                   // the detector's one-line summary, may be ""
  std::string summary;                  // detail, or title + location when there is none
  std::string location;                 // "file:line in function" of the first frame, may be ""
  long pid = 0;
  std::vector<printed_event> events;
  std::vector<printed_object> objects;
  std::vector<printed_thread> threads;
  std::string missing_edge;
};

// True for frames of the C/C++ libraries: std headers (/usr/include/, .../include/c++/),
// glibc's own sources ("./nptl/..."), and unsymbolized frames of system libraries.
bool is_library_frame(const frame &f);

// The frame a one-line location names (SUMMARY, "acquired at"): the innermost
// non-library frame with a source line, else with a function name, else with a module
// (shown as module+offset), else the innermost frame with a line or a name; nullptr when
// there is none.
const frame *location_frame(const std::vector<frame> &frames);

// Symbolizes every stack of `r` and computes the derived strings above.
printed_report prepare_report(const report &r);

// The readable text of a report (several lines, ending in '\n'); report_text.cpp.
std::string format_report_text(const printed_report &r);

// One JSON object on one line, ending in '\n' (the schema is in runtime/docs/options.md);
// report_json.cpp.
std::string format_report_json(const printed_report &r);

}  // namespace lockstep::rt
