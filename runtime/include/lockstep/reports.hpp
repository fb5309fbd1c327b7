// Public API of liblockstep's reports: how many were printed, and observing each one.
//
// A report is printed (to stderr, or to LOCKSTEP_OPTIONS log_path) when the runtime
// finds a bug; see runtime/docs/options.md for the text layout, the JSON form and the
// exit status. These functions let tests and harnesses react to reports, e.g. the
// GoogleTest listener of <lockstep/testing.hpp>.
#pragma once

#include <cstdint>

#if defined(__GNUC__)
#define LOCKSTEP_REPORTS_API __attribute__((visibility("default")))
#else
#define LOCKSTEP_REPORTS_API
#endif

namespace lockstep {

// Number of reports printed so far in this process. Suppressed reports are not
// counted. Any thread, any time; never blocks.
LOCKSTEP_REPORTS_API std::uint64_t report_count() noexcept;

// Called once per printed report, after the report was written, on the thread that
// found the bug, outside the runtime's locks. `kind` is the report kind of DESIGN.md
// ("data-race", "deadlock", ...) and `text` the full text report; both are valid only
// during the call (copy them). That thread may hold the user's mutexes (or be one of a
// deadlocked set), so an observer must not block on user locks: record and return.
// A report raised by the observer itself is dropped. With halt_on_error=1, or for a
// real deadlock, the process exits right after the observers return.
using report_observer = void (*)(const char *kind, const char *text, void *context);

// Registers `observer` with `context`. At most 8 observers at once: returns false
// (and registers nothing) when all slots are taken or `observer` is null.
LOCKSTEP_REPORTS_API bool add_report_observer(report_observer observer, void *context) noexcept;

// Unregisters a pair passed to add_report_observer; false when it is not registered.
// After it returns the observer is not called for reports that start later; a call
// already running on another thread may still be finishing.
LOCKSTEP_REPORTS_API bool remove_report_observer(report_observer observer, void *context) noexcept;

}  // namespace lockstep
