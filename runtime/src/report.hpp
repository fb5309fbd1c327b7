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

namespace lockstep::rt {

// Raw return addresses, innermost first; symbolized only when a report is printed.
struct stack_trace {
  static constexpr std::size_t max_frames = 48;
  std::uint32_t size = 0;
  std::uintptr_t pcs[max_frames] = {};
};

// Captures the calling thread's stack, dropping `skip` innermost frames (plus the
// capture function itself). Async-signal-safe after the first call.
stack_trace capture_stack(int skip = 0);

// One symbolized frame.
struct frame {
  std::uintptr_t pc = 0;
  std::string function;  // demangled; "" when unknown
  std::string file;      // "" when unknown
  int line = 0;
  std::string module;    // the shared object or executable holding pc
};
// Symbolizes a stack and drops the runtime's own frames (liblockstep's internals).
std::vector<frame> symbolize(const stack_trace &stack);

// A thread as reports show it: "thread T3 'worker' created at ...".
struct report_thread {
  std::uint64_t id = 0;         // 0 is the main thread
  std::string name;             // from pthread_setname_np / lockstep::thread, may be empty
  stack_trace created_at;       // empty for the main thread
  bool finished = false;
};

// A lock held by a thread at the time of an event.
struct report_lock {
  std::uintptr_t address = 0;
  std::string description;      // "mutex M2 (std::mutex at 0x...)"
  stack_trace acquired_at;      // may be empty when unknown
};

// One event of the report: an access, an acquisition, a blocked wait, a misuse.
struct report_event {
  std::string description;      // "Write of size 4 at 0x7f.. by thread T1"
  std::uint64_t thread = 0;
  stack_trace stack;
  std::vector<report_lock> locks_held;
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
};

// Delivers a report. Never called with the runtime's internal lock held.
// Returns false when a suppression matched (nothing printed or counted).
bool emit_report(report &&r);

// How many reports were emitted (not suppressed) so far in this process.
std::uint64_t reports_emitted();

}  // namespace lockstep::rt
