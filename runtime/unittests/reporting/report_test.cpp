// Tests of the report printers (exact text layout, valid JSON) and of emit_report in-process.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "json_lite.hpp"
#include "lockstep/reports.hpp"
#include "report.hpp"

// Not inside namespace lockstep::rt: symbolize drops that namespace's frames as the
// runtime's own, and these tests need their frames kept.
namespace {
using namespace lockstep::rt;

frame make_frame(std::uintptr_t pc, std::string function, std::string file, int line) {
  frame f;
  f.pc = pc;
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = line;
  f.module = "/bin/app";
  f.module_offset = pc - 0x1000;
  return f;
}

printed_report sample_race() {
  printed_report r;
  r.kind = "data-race";
  r.title = "data race";
  r.summary = "data race /src/counter.cpp:14 in Counter::add(int)";
  r.location = "/src/counter.cpp:14 in Counter::add(int)";
  r.pid = 12345;
  printed_event write;
  write.description = "Write of size 4 at 0x7b04000000f0 by thread T2";
  write.thread = 2;
  write.stack = {make_frame(0x1234, "Counter::add(int)", "/src/counter.cpp", 14),
                 make_frame(0x1300, "worker()", "/src/main.cpp", 30)};
  printed_event read;
  read.description = "Previous read of size 4 at 0x7b04000000f0 by thread T1";
  read.thread = 1;
  read.stack = {make_frame(0x1400, "Counter::get() const", "/src/counter.cpp", 9)};
  printed_lock lock;
  lock.address = 0x7b0400000100;
  lock.description = "mutex M1";
  lock.acquired_where = "/src/main.cpp:22";
  lock.acquired_at = {make_frame(0x1500, "reader()", "/src/main.cpp", 22)};
  read.locks_held.push_back(lock);
  r.events = {write, read};
  printed_object counter;
  counter.address = 0x7b04000000f0;
  counter.description = "Location is heap block of size 16";
  r.objects = {counter};
  printed_thread t2;
  t2.id = 2;
  t2.name = "worker";
  t2.parent = 0;
  t2.created_at = {make_frame(0x1600, "main", "/src/main.cpp", 40)};
  printed_thread t1;
  t1.id = 1;
  t1.finished = true;
  t1.created_at = {make_frame(0x1700, "", "", 0)};
  t1.created_at[0].module_offset = 0x700;
  printed_thread t0;
  t0.is_main = true;
  r.threads = {t2, t1, t0};
  r.missing_edge = "T1's read of 0x7b04000000f0 does not happen before T2's write";
  return r;
}

TEST(ReportTextTest, ExactLayout) {
  const std::string expected =
      "==12345==lockstep: WARNING: data race (pid=12345)\n"
      "  Write of size 4 at 0x7b04000000f0 by thread T2:\n"
      "    #0 Counter::add(int) /src/counter.cpp:14\n"
      "    #1 worker() /src/main.cpp:30\n"
      "  Locks held: none\n"
      "  Previous read of size 4 at 0x7b04000000f0 by thread T1:\n"
      "    #0 Counter::get() const /src/counter.cpp:9\n"
      "  Locks held: mutex M1 (acquired at /src/main.cpp:22)\n"
      "  Location is heap block of size 16 at 0x7b04000000f0\n"
      "  Thread T2 'worker' (running) created by T0 at:\n"
      "    #0 main /src/main.cpp:40\n"
      "  Thread T1 (finished) created by T0 at:\n"
      "    #0 0x1700 (/bin/app+0x700)\n"
      "  Thread T0 is the main thread\n"
      "  Missing happens-before: T1's read of 0x7b04000000f0 does not happen before T2's write\n"
      "SUMMARY: lockstep: data race /src/counter.cpp:14 in Counter::add(int)\n";
  EXPECT_EQ(format_report_text(sample_race()), expected);
}

TEST(ReportTextTest, DetectorSummaryEmptyStacksAndObjectStacks) {
  printed_report r;
  r.kind = "deadlock";
  r.title = "deadlock";
  r.detail = "2 threads wait for each other";
  r.pid = 7;
  printed_event e;
  e.description = "Thread T1 blocks on mutex M2";
  e.thread = 1;
  r.events = {e};
  printed_object m;
  m.address = 0x10;
  m.description = "mutex M2";
  m.created_at = {make_frame(0x1100, "make()", "/src/m.cpp", 3)};
  r.objects = {m};
  const std::string expected =
      "==7==lockstep: WARNING: deadlock (pid=7)\n"
      "  2 threads wait for each other\n"
      "  Thread T1 blocks on mutex M2:\n"
      "    <no stack>\n"
      "  Locks held: none\n"
      "  mutex M2 at 0x10 created at:\n"
      "    #0 make() /src/m.cpp:3\n"
      "SUMMARY: lockstep: deadlock\n";
  EXPECT_EQ(format_report_text(r), expected);
}

TEST(ReportTextTest, AcquisitionStacksAndUnrecordedLocks) {
  printed_report r;
  r.kind = "lock-order-inversion";
  r.title = "lock order inversion";
  r.pid = 9;
  printed_event edge;
  edge.description = "mutex M2 acquired while holding mutex M1 by thread T1";
  edge.thread = 1;
  edge.stack = {make_frame(0x1100, "transfer()", "/src/bank.cpp", 16)};
  printed_lock m1;
  m1.description = "mutex M1";
  m1.acquired_where = "/src/bank.cpp:15";
  m1.acquired_at = {make_frame(0x1200, "transfer()", "/src/bank.cpp", 15),
                    make_frame(0x1300, "teller()", "/src/bank.cpp", 30)};
  m1.show_acquisition = true;  // the whole stack, not "(acquired at ...)"
  edge.locks_held = {m1};
  printed_event owner;
  owner.description = "locked by thread T2";
  owner.thread = 2;
  owner.stack = {make_frame(0x1400, "hold()", "/src/bank.cpp", 40)};
  owner.locks_known = false;  // no "Locks held: none": nobody knows
  r.events = {edge, owner};
  const std::string expected =
      "==9==lockstep: WARNING: lock order inversion (pid=9)\n"
      "  mutex M2 acquired while holding mutex M1 by thread T1:\n"
      "    #0 transfer() /src/bank.cpp:16\n"
      "  Locks held: mutex M1\n"
      "  mutex M1 acquired at:\n"
      "    #0 transfer() /src/bank.cpp:15\n"
      "    #1 teller() /src/bank.cpp:30\n"
      "  locked by thread T2:\n"
      "    #0 hold() /src/bank.cpp:40\n"
      "SUMMARY: lockstep: lock order inversion\n";
  EXPECT_EQ(format_report_text(r), expected);

  json_lite::value v = json_lite::parse(format_report_json(r));
  ASSERT_EQ(v["events"].array.size(), 2u);
  EXPECT_EQ(v["events"].array[0]["locks_held"].array.size(), 1u);
  EXPECT_EQ(v["events"].array[0]["locks_held"].array[0]["acquired_at"].array.size(), 2u);
  EXPECT_FALSE(v["events"].array[1].has("locks_held"));
}

TEST(ReportJsonTest, IsOneLineOfValidJsonWithTheSchemaFields) {
  printed_report r = sample_race();
  r.events[0].description = "quote \" backslash \\ newline \n tab \t bell \x07 end";
  const std::string line = format_report_json(r);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one object per line";
  json_lite::value v = json_lite::parse(line);
  ASSERT_EQ(v.kind, json_lite::value::object_t);
  ASSERT_FALSE(v.keys.empty());
  EXPECT_EQ(v.keys.front(), "kind");
  EXPECT_EQ(v["kind"].string, "data-race");
  EXPECT_EQ(v["summary"].string, "data race /src/counter.cpp:14 in Counter::add(int)");
  EXPECT_EQ(v["pid"].number, 12345);
  ASSERT_EQ(v["events"].array.size(), 2u);
  const auto &write = v["events"][0];
  EXPECT_EQ(write["description"].string, "quote \" backslash \\ newline \n tab \t bell \x07 end");
  EXPECT_EQ(write["thread"].number, 2);
  ASSERT_EQ(write["stack"].array.size(), 2u);
  const auto &top = write["stack"][0];
  EXPECT_EQ(top["function"].string, "Counter::add(int)");
  EXPECT_EQ(top["file"].string, "/src/counter.cpp");
  EXPECT_EQ(top["line"].number, 14);
  EXPECT_EQ(top["module"].string, "/bin/app");
  EXPECT_EQ(top["pc"].string, "0x1234");
  EXPECT_EQ(top["module_offset"].string, "0x234");
  EXPECT_EQ(write["locks_held"].array.size(), 0u);
  const auto &read = v["events"][1];
  ASSERT_EQ(read["locks_held"].array.size(), 1u);
  EXPECT_EQ(read["locks_held"][0]["description"].string, "mutex M1");
  EXPECT_EQ(read["locks_held"][0]["address"].string, "0x7b0400000100");
  EXPECT_EQ(read["locks_held"][0]["acquired_at"][0]["line"].number, 22);
  ASSERT_EQ(v["objects"].array.size(), 1u);
  EXPECT_EQ(v["objects"][0]["address"].string, "0x7b04000000f0");
  ASSERT_EQ(v["threads"].array.size(), 3u);
  EXPECT_EQ(v["threads"][0]["id"].number, 2);
  EXPECT_EQ(v["threads"][0]["name"].string, "worker");
  EXPECT_FALSE(v["threads"][0]["finished"].boolean);
  EXPECT_TRUE(v["threads"][1]["finished"].boolean);
  EXPECT_TRUE(v["threads"][2]["main"].boolean);
  EXPECT_EQ(v["threads"][0]["created_at"][0]["function"].string, "main");
  EXPECT_EQ(v["missing_edge"].string, r.missing_edge);
}

TEST(ReportJsonTest, EmptyReportIsValidToo) {
  printed_report r;
  r.kind = "thread-leak";
  json_lite::value v = json_lite::parse(format_report_json(r));
  EXPECT_EQ(v["kind"].string, "thread-leak");
  EXPECT_TRUE(v["events"].array.empty());
  EXPECT_TRUE(v["threads"].array.empty());
  EXPECT_TRUE(v["objects"].array.empty());
}

TEST(LocationTest, SkipsLibraryFramesToTheUsersCode) {
  std::vector<frame> frames = {
      make_frame(0x1, "__gthread_mutex_lock(pthread_mutex_t*)",
                 "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h", 749),
      make_frame(0x2, "std::mutex::lock()", "/usr/lib/gcc/x86_64-linux-gnu/12/include/c++/12/bits/std_mutex.h", 100),
      make_frame(0x3, "start_thread", "./nptl/pthread_create.c", 442),
      make_frame(0x4, "transfer(account&, account&)", "/src/bank.cpp", 24),
      make_frame(0x5, "main", "/src/main.cpp", 3)};
  EXPECT_TRUE(is_library_frame(frames[0]));
  EXPECT_TRUE(is_library_frame(frames[1]));
  EXPECT_TRUE(is_library_frame(frames[2]));
  EXPECT_FALSE(is_library_frame(frames[3]));
  ASSERT_NE(location_frame(frames), nullptr);
  EXPECT_EQ(location_frame(frames)->function, "transfer(account&, account&)");

  // Without a user frame that has a line: a named user frame, then any frame.
  frame no_line = make_frame(0x6, "user_fn", "", 0);
  no_line.module = "/opt/app/bin/app";
  EXPECT_EQ(location_frame({frames[0], no_line})->function, "user_fn");
  frame libc = make_frame(0x7, "pthread_mutex_lock", "", 0);
  libc.module = "/lib/x86_64-linux-gnu/libc.so.6";
  EXPECT_TRUE(is_library_frame(libc));
  // Only library frames: the innermost one that names anything.
  EXPECT_EQ(location_frame({libc, frames[0]})->function, "pthread_mutex_lock");
  EXPECT_EQ(location_frame({}), nullptr);
  frame nowhere = make_frame(0x8, "", "", 0);
  nowhere.module = "";
  EXPECT_EQ(location_frame({nowhere}), nullptr);
}

TEST(LocationTest, UnsymbolizedUserFrameBeatsANamedLibraryFrame) {
  // symbolize=0: the user's frames have neither a name (not exported) nor a line, while libc's
  // exported __libc_start_main has a name. The SUMMARY must still point into the user's module.
  frame user = make_frame(0x1234, "", "", 0);
  frame libc = make_frame(0x7, "__libc_start_main", "", 0);
  libc.module = "/lib/x86_64-linux-gnu/libc.so.6";
  const std::vector<frame> stack = {user, libc};
  EXPECT_EQ(location_frame(stack), &stack[0]);
}

TEST(LocationTest, SkipsTheDropInTypesToo) {
  // lockstep::mutex and friends are inlined into the user's code, from lockstep's headers.
  const frame drop_in = make_frame(0x1, "lockstep::detail::basic_mutex::lock()", "/opt/include/lockstep/mutex.hpp", 63);
  const frame user = make_frame(0x2, "transfer(account&, account&)", "/src/bank.cpp", 24);
  EXPECT_TRUE(is_library_frame(drop_in));
  EXPECT_FALSE(is_library_frame(make_frame(0x3, "bank::lockstep_ledger()", "/src/ledger.cpp", 5)));
  EXPECT_EQ(location_frame({drop_in, user})->function, "transfer(account&, account&)");
}

__attribute__((noinline)) stack_trace racy_function_for_report() {
  stack_trace s = capture_stack(0);
  asm volatile("" ::: "memory");
  return s;
}

report make_report() {
  report r;
  r.kind = "data-race";
  report_event e;
  e.description = "Write of size 4 at 0x10 by thread T0";
  e.stack = racy_function_for_report();
  report_lock l;
  l.description = "mutex M1";
  l.acquired_at = e.stack;
  e.locks_held.push_back(l);
  r.events.push_back(e);
  report_thread t;
  t.id = 0;
  r.threads.push_back(t);
  return r;
}

TEST(PrepareReportTest, SymbolizesAndDerivesTitleSummaryAndLocation) {
  printed_report p = prepare_report(make_report());
  EXPECT_EQ(p.kind, "data-race");
  EXPECT_EQ(p.title, "data race");
  EXPECT_EQ(p.pid, static_cast<long>(::getpid()));
  ASSERT_EQ(p.events.size(), 1u);
  ASSERT_FALSE(p.events[0].stack.empty());
  EXPECT_NE(p.events[0].stack[0].function.find("racy_function_for_report"), std::string::npos);
  EXPECT_NE(p.location.find("report_test.cpp:"), std::string::npos) << p.location;
  EXPECT_NE(p.location.find(" in "), std::string::npos) << p.location;
  EXPECT_EQ(p.summary, "data race " + p.location);
  EXPECT_TRUE(p.detail.empty());
  ASSERT_EQ(p.events[0].locks_held.size(), 1u);
  EXPECT_NE(p.events[0].locks_held[0].acquired_where.find("report_test.cpp:"), std::string::npos);
  ASSERT_EQ(p.threads.size(), 1u);
  EXPECT_TRUE(p.threads[0].is_main);
}

struct seen_reports {
  std::atomic<int> calls{0};
  std::string last_kind, last_text;
};

void observe(const char *kind, const char *text, void *context) {
  auto *seen = static_cast<seen_reports *>(context);
  seen->last_kind = kind;
  seen->last_text = text;
  // A report raised from an observer is dropped, not deadlocked on.
  EXPECT_FALSE(emit_report(make_report()));
  seen->calls.fetch_add(1);
}

// LOCKSTEP_OPTIONS=exitcode=0 is set for this binary by CTest, so these reports do not
// change its exit status.
TEST(EmitReportTest, CountsAndNotifiesObservers) {
  seen_reports seen;
  ASSERT_TRUE(lockstep::add_report_observer(observe, &seen));
  const std::uint64_t before = lockstep::report_count();
  EXPECT_TRUE(emit_report(make_report()));
  EXPECT_EQ(lockstep::report_count(), before + 1);
  EXPECT_EQ(reports_emitted(), before + 1);
  EXPECT_EQ(seen.calls.load(), 1);
  EXPECT_EQ(seen.last_kind, "data-race");
  EXPECT_NE(seen.last_text.find("lockstep: WARNING: data race"), std::string::npos);
  EXPECT_NE(seen.last_text.find("racy_function_for_report"), std::string::npos);
  ASSERT_TRUE(lockstep::remove_report_observer(observe, &seen));
  EXPECT_FALSE(lockstep::remove_report_observer(observe, &seen));
  EXPECT_TRUE(emit_report(make_report()));
  EXPECT_EQ(seen.calls.load(), 1);
}

TEST(EmitReportTest, ObserverSlotsAreBounded) {
  int contexts[9];
  int added = 0;
  for (int &c : contexts) added += lockstep::add_report_observer(observe, &c) ? 1 : 0;
  EXPECT_EQ(added, 8);
  for (int &c : contexts) lockstep::remove_report_observer(observe, &c);
  EXPECT_FALSE(lockstep::add_report_observer(nullptr, nullptr));
}

TEST(EmitReportTest, ConcurrentReportsAreAllCounted) {
  const std::uint64_t before = lockstep::report_count();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([] {
      for (int j = 0; j < 5; ++j) EXPECT_TRUE(emit_report(make_report()));
    });
  for (auto &t : threads) t.join();
  EXPECT_EQ(lockstep::report_count(), before + 20);
}

}  // namespace
