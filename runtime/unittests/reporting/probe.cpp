// A tiny program that emits reports on command, run by process_test.cpp to observe the
// process-level behaviour: exit status, options errors, log and JSON files, halting.
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include "report.hpp"

namespace {

__attribute__((noinline)) lockstep::rt::stack_trace probe_racy_function() {
  lockstep::rt::stack_trace s = lockstep::rt::capture_stack(0);
  asm volatile("" ::: "memory");
  return s;
}

void emit_one(std::uint64_t thread) {
  lockstep::rt::report r;
  r.kind = "data-race";
  lockstep::rt::report_event e;
  e.description = "Write of size 4 at 0x1000 by thread T" + std::to_string(thread);
  e.thread = thread;
  e.stack = probe_racy_function();
  r.events.push_back(e);
  lockstep::rt::report_thread t;
  t.id = thread;
  t.created_at = thread == 0 ? lockstep::rt::stack_trace{} : lockstep::rt::capture_stack(0);
  r.threads.push_back(t);
  lockstep::rt::emit_report(std::move(r));
}

// Reports from its destructor, i.e. during static destruction after main returned.
struct reports_when_destroyed {
  bool armed = false;
  ~reports_when_destroyed() {
    if (armed) emit_one(0);
  }
} at_exit_reporter;

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s clean|report|report-exit3|report-twice|report-threads|report-then-wait|die|static-dtor\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  std::printf("probe %s\n", mode.c_str());  // buffered stdout: must survive the exit handler
  if (mode == "clean") return 0;
  if (mode == "report") { emit_one(0); return 0; }
  if (mode == "report-exit3") { emit_one(0); return 3; }
  if (mode == "report-twice") { emit_one(0); emit_one(0); return 0; }
  if (mode == "report-threads") {
    std::vector<std::thread> threads;
    for (int i = 1; i <= 8; ++i) threads.emplace_back([i] { emit_one(static_cast<std::uint64_t>(i)); });
    for (auto &t : threads) t.join();
    return 0;
  }
  if (mode == "report-then-wait") {
    // The symbolizer must not outlive the report as a child a program would wait for.
    emit_one(0);
    int children = 0;
    while (::wait(nullptr) > 0) ++children;
    std::printf("children left: %d\n", children);
    return 0;
  }
  if (mode == "die") { emit_one(0); lockstep::rt::die_after_report(); }
  if (mode == "static-dtor") { at_exit_reporter.armed = true; return 0; }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
