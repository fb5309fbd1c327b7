// A GoogleTest binary using lockstep::testing::ReportListener, run by process_test.cpp:
// the test that reports must fail with the report text, the clean one must pass.
#include <gtest/gtest.h>

#include <thread>

#include "lockstep/testing.hpp"
#include "report.hpp"

LOCKSTEP_GTEST_REPORT_LISTENER();

namespace {

void report_from_this_thread(const char *description = "Mutex M2 acquired while holding M1 by thread T1") {
  lockstep::rt::report r;
  r.kind = "lock-order-inversion";
  lockstep::rt::report_event e;
  e.description = description;
  e.thread = 1;
  e.stack = lockstep::rt::capture_stack(0);
  r.events.push_back(e);
  lockstep::rt::emit_report(std::move(r));
}

// A report before any test runs (after the listener was installed above) must not be
// blamed on the first test.
[[maybe_unused]] const bool reported_before_tests = [] {
  report_from_this_thread("Reported during static initialisation");
  return true;
}();

TEST(Probe, Clean) { SUCCEED(); }

TEST(Probe, ReportsFromAnotherThread) {
  std::thread t([] { report_from_this_thread(); });
  t.join();
}

}  // namespace
