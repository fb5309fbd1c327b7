// GoogleTest integration: fail the test during which liblockstep printed a report.
//
// Usage — once per test binary, either in your own main():
//
//     int main(int argc, char **argv) {
//       ::testing::InitGoogleTest(&argc, argv);
//       lockstep::testing::install_report_listener();
//       return RUN_ALL_TESTS();
//     }
//
// or, when the binary links GTest::gtest_main, at namespace scope in any one test file:
//
//     LOCKSTEP_GTEST_REPORT_LISTENER();
//
// A test during which a report was printed (from any thread) then fails with
// "lockstep reported <kind> during this test" and the full report text. Reports that
// happen outside any test (static initialisation, between tests) fail nothing here but
// still set the process exit status (LOCKSTEP_OPTIONS exitcode). Header-only; needs
// <gtest/gtest.h> and liblockstep.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lockstep/reports.hpp"

namespace lockstep::testing {

class ReportListener : public ::testing::EmptyTestEventListener {
 public:
  ReportListener() { registered_ = lockstep::add_report_observer(&ReportListener::observe, this); }
  ~ReportListener() override {
    if (registered_) lockstep::remove_report_observer(&ReportListener::observe, this);
  }
  ReportListener(const ReportListener &) = delete;
  ReportListener &operator=(const ReportListener &) = delete;

  void OnTestStart(const ::testing::TestInfo &) override {
    take();  // forget reports from before this test: they belong to no test
  }

  // GoogleTest calls OnTestEnd on listeners in reverse order, so this runs before the
  // default printer prints the test's verdict, and the failure belongs to the test.
  void OnTestEnd(const ::testing::TestInfo &) override {
    // Attributed to "lockstep" rather than to this header: the report names the code.
    for (const auto &[kind, text] : take())
      ADD_FAILURE_AT("lockstep", -1) << "lockstep reported " << kind << " during this test:\n" << text;
  }

  // False when the runtime had no free observer slot (then no test can fail from here).
  bool registered() const { return registered_; }

 private:
  // Runs on the reporting thread, which may hold user locks: no pthread mutex here,
  // only a spinlock around a vector push.
  static void observe(const char *kind, const char *text, void *context) {
    auto *self = static_cast<ReportListener *>(context);
    self->lock();
    self->pending_.emplace_back(kind, text);
    self->unlock();
  }

  std::vector<std::pair<std::string, std::string>> take() {
    lock();
    auto reports = std::move(pending_);
    pending_.clear();
    unlock();
    return reports;
  }

  void lock() {
    while (busy_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
  }
  void unlock() { busy_.store(false, std::memory_order_release); }

  std::atomic<bool> busy_{false};
  bool registered_ = false;
  std::vector<std::pair<std::string, std::string>> pending_;
};

// Appends a ReportListener to GoogleTest's listeners (which then own it). Call once,
// before RUN_ALL_TESTS(); calling it again adds a second listener and doubles failures.
inline void install_report_listener() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ReportListener());
}

}  // namespace lockstep::testing

// Installs the listener from a static initialiser, for binaries that use gtest_main.
#define LOCKSTEP_GTEST_REPORT_LISTENER()                                                  \
  [[maybe_unused]] static const bool lockstep_gtest_report_listener_installed_ = [] {   \
    ::lockstep::testing::install_report_listener();                                     \
    return true;                                                                         \
  }()
