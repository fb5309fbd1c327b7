// Tracked coroutines (lockstep::tracked_promise, <lockstep/coroutine.hpp>): happens-before across a
// suspension on whichever thread resumes, locks held across a suspension, and the misuse reports
// coro-resume-after-destroy and coro-resume-while-running.
//
// How the runtime sees a coroutine run: GCC and Clang lay a coroutine frame out alike, the address of
// its resume function first and of its destroy function second, both stored before the promise is
// constructed; coroutine_handle::resume() and destroy() call through them. When a tracked frame
// begins, the runtime swaps both for its own entries. The compiler overwrites the resume entry with
// null at the final suspension (done() reads it), which needs nothing from us. Suspensions are seen
// where the promise wraps the awaiter (await_transform, and yield_value where the promise does):
// before the awaiter's await_suspend can hand the coroutine to another thread.
//
// An activation (one resumption, up to the suspension that ends it) runs inside the resume entry,
// which calls the compiler's resume function from one fixed call site: when that function returns,
// the coroutine has suspended (or finished), wherever it suspended. A coroutine that suspends by
// symmetric transfer tail-calls the next frame's resume entry, which therefore returns straight to
// that call site: an entry called from there does not run its frame itself but leaves it to the loop
// of the entry below, after the activation that handed it on has ended. Chains of symmetric transfer
// keep a constant stack, and every activation's end is seen.
//
// A frame the runtime allocated (tracked_promise's operator new) is not freed at once when it is
// destroyed: it stays in a quarantine with both entries pointing at traps, so a resume() or
// destroy() through a stale handle reports instead of running freed memory. A frame the compiler
// placed on its caller's stack (heap allocation elision) keeps the runtime's entries, which see that
// it was destroyed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <lockstep/lockstep.h>

#include "rtl.hpp"
#include "table.hpp"

// Clang guarantees the tail call; GCC makes it at -O2 (sibling-call optimization).
#if defined(__clang__)
#define LOCKSTEP_TAIL_CALL [[clang::musttail]]
#define LOCKSTEP_NO_IPA
#else
#define LOCKSTEP_TAIL_CALL
#define LOCKSTEP_NO_IPA __attribute__((noipa))  // one copy of call_resume: no clone has its own return site
#endif

namespace lockstep::rt {

namespace {

using coro_fn = void (*)(void *);

struct frame_record {
  std::atomic<std::uintptr_t> addr{0};
  std::atomic<frame_record *> next{nullptr};
  frame_record *free_next = nullptr;
  frame_record *all_next = nullptr;
  spinlock mtx;  // guards everything below
  coro_fn resume = nullptr;  // the compiler's functions
  coro_fn destroy = nullptr;
  bool destroyed = false;
  // Every suspension it can be resumed from is seen (LOCKSTEP_CORO_SUSPENSIONS_SEEN): then "running"
  // below is certain, and a resume while it holds is reported.
  bool all_seen = false;
  bool running = false;               // resumed, and not suspended since
  std::uint64_t runner = 0;           // the running activation: its thread's unique id, and that
  std::uint64_t activation = 0;       //   thread's number for it (thread_state::coro_activations)
  std::uint32_t held_base = 0;        // the running thread's held-set size when this activation began
  std::uint32_t created_stack = 0;
  std::uint32_t destroyed_stack = 0;
  std::uint64_t creator = 0;          // unique ids of the threads
  std::uint64_t destroyer = 0;
  std::size_t heap_size = 0;          // allocated by lockstep_coro_frame_alloc: its size; 0 otherwise
  // Locks the coroutine holds while suspended (handed over at the suspension, see mutex_hand_over).
  static constexpr std::uint32_t max_carried = 4;
  held_lock carried[max_carried];
  std::uint32_t ncarried = 0;
  vector_clock clock;                 // released at suspensions, acquired at resumptions

  // A recycled node starts clean (the table keeps the address, the links and the lock).
  void reset() noexcept {
    resume = destroy = nullptr;
    destroyed = false;
    all_seen = running = false;
    runner = activation = 0;
    held_base = created_stack = destroyed_stack = 0;
    creator = destroyer = 0;
    heap_size = 0;
    ncarried = 0;
    clock.reset();
  }
};

// What a report needs of a frame, copied under its lock.
struct frame_history {
  std::uint32_t created_stack = 0, destroyed_stack = 0;
  std::uint64_t creator = 0, destroyer = 0;
  std::uint64_t runner = 0;  // the thread running it, if it is running
};

frame_history history_of(const frame_record &f) {
  return {f.created_stack, f.destroyed_stack, f.creator, f.destroyer, f.running ? f.runner : 0};
}

using frame_table = addr_table<frame_record, 14>;
lazy_global<frame_table> g_frames;
frame_table &frames() noexcept { return g_frames.get(); }

// Destroyed heap frames kept from reuse so a stale handle finds the traps (FIFO, bounded).
struct quarantine {
  spinlock mtx;
  static constexpr std::size_t max_frames = 1024;
  static constexpr std::size_t max_bytes = std::size_t{8} << 20;
  void *ring[max_frames] = {};
  std::size_t size_of[max_frames] = {};
  std::size_t head = 0, count = 0, bytes = 0;
};
quarantine g_quarantine;  // zero-initialized static storage

std::string frame_name(std::uintptr_t frame) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "coroutine frame at 0x%lx", static_cast<unsigned long>(frame));
  return buf;
}

report_event earlier_event(std::string description, std::uint64_t thread, std::uint32_t stack) {
  report_event ev;
  ev.description = std::move(description);
  ev.thread = thread;
  ev.stack = stack_from_id(stack);
  ev.locks_known = false;
  return ev;
}

void add_thread(report &r, std::uint64_t uid) {
  for (const report_thread &t : r.threads)
    if (t.id == uid) return;
  r.threads.push_back(describe_thread_by_unique_id(uid));
}

report_object frame_object(std::uintptr_t frame, std::uint32_t created_stack) {
  report_object o;
  o.address = frame;
  o.description = "coroutine frame";
  o.created_at = stack_from_id(created_stack);
  return o;
}

// A report of a call through a frame's handle by thr (inside the runtime), made where the call
// stands: the call, then `earlier` (the destruction, if any) and the creation.
report frame_misuse(thread_state *thr, std::uintptr_t addr, const char *kind, std::string summary,
                    std::string call, const frame_history &h) {
  report r;
  r.kind = kind;
  r.summary = std::move(summary);
  report_event ev;
  ev.description = std::move(call);
  ev.thread = thr->unique_id;
  ev.stack = capture_stack(0);
  ev.locks_held = held_locks_of(thr);
  r.events.push_back(std::move(ev));
  r.threads.push_back(describe_thread(*thr));
  if (h.destroyed_stack) {
    r.events.push_back(
        earlier_event("destroyed by thread T" + std::to_string(h.destroyer), h.destroyer, h.destroyed_stack));
    add_thread(r, h.destroyer);
  }
  if (h.runner) add_thread(r, h.runner);
  if (h.created_stack) {
    r.events.push_back(earlier_event("created by thread T" + std::to_string(h.creator), h.creator, h.created_stack));
    add_thread(r, h.creator);
  }
  r.objects.push_back(frame_object(addr, h.created_stack));
  r.once_per_site = true;
  return r;
}

// Reports a use of a destroyed frame by thr (inside the runtime): this use, the destruction, the
// creation.
void report_use_after_destroy(thread_state *thr, void *frame, const char *what) {
  frame_history h;
  if (frame_record *f = frames().find(addr_of(frame))) {
    spin_guard g(f->mtx);
    h = history_of(*f);
  }
  const std::uintptr_t addr = addr_of(frame);
  std::string summary = std::string(what) + " " + frame_name(addr);
  std::string call = summary + " by thread T" + std::to_string(thr->unique_id);
  emit(thr, frame_misuse(thr, addr, "coro-resume-after-destroy", std::move(summary), std::move(call), h));
}

// Reports a resume of a frame whose activation on thread h.runner has not suspended.
void report_resume_while_running(thread_state *thr, void *frame, const frame_history &h) {
  const std::uintptr_t addr = addr_of(frame);
  const std::string where =
      h.runner == thr->unique_id ? "on this thread" : "on thread T" + std::to_string(h.runner);
  std::string summary = "resume() of the " + frame_name(addr) + ", which is running " + where;
  std::string call = "resume() by thread T" + std::to_string(thr->unique_id) + " of the " + frame_name(addr) +
                     ": it was resumed " + where +
                     " and has not suspended since (it is not run a second time; the resume does nothing)";
  emit(thr, frame_misuse(thr, addr, "coro-resume-while-running", std::move(summary), std::move(call), h));
}

// The entries of a quarantined frame: nothing runs, the caller goes on as if the coroutine had
// suspended at once.
void trap(void *frame, const char *what) {
  thread_state *thr = tracked_thread();
  if (!thr) return;
  rt_scope sc(thr);
  report_use_after_destroy(thr, frame, what);
}
void resume_destroyed(void *frame) { trap(frame, "resume() of the destroyed"); }
void destroy_destroyed(void *frame) { trap(frame, "destroy() of the already destroyed"); }

coro_fn original(void *frame, bool resume) noexcept {
  frame_record *f = frames().find(addr_of(frame));
  if (!f) return nullptr;
  spin_guard g(f->mtx);
  return resume ? f->resume : f->destroy;
}

// Activation `act` of thr is to run `frame`: the compiler's resume function to call, or null when
// the frame must not run (it was destroyed, or it is running already: reported).
coro_fn begin_activation(thread_state *thr, void *frame, std::uint64_t act) noexcept {
  frame_record *f = frames().find(addr_of(frame));
  if (!f) return nullptr;
  rt_scope sc(thr);
  held_lock carried[frame_record::max_carried];
  std::uint32_t ncarried = 0;
  coro_fn fn = nullptr;
  frame_history h;
  bool destroyed, running;
  {
    spin_guard g(f->mtx);
    destroyed = f->destroyed;
    running = !destroyed && f->running && f->all_seen;
    if (destroyed || running) {
      h = history_of(*f);
    } else {
      fn = f->resume;
      f->running = true;
      f->runner = thr->unique_id;
      f->activation = act;
      f->held_base = thr->nheld;
      acquire(thr, f->clock);  // everything before the suspension happens before this resumption
      ncarried = f->ncarried;
      for (std::uint32_t i = 0; i < ncarried; ++i) carried[i] = f->carried[i];
      f->ncarried = 0;
    }
  }
  if (destroyed) {
    report_use_after_destroy(thr, frame, "resume() of the destroyed");  // a frame on its caller's stack
    return nullptr;
  }
  if (running) {
    report_resume_while_running(thr, frame, h);
    return nullptr;
  }
  if (ncarried) {
    mutex_take_over(thr, carried, ncarried);
    spin_guard g(f->mtx);
    f->held_base = thr->nheld;  // the carried locks were taken before this activation
  }
  return fn;
}

// Activation `act` of thr, running `frame`, has ended: the frame suspended (or finished). If no
// suspension the runtime saw ended it (co_yield, the final suspension, a promise that wraps no
// awaiter), what it did happens before its next resumption from here.
void end_activation(thread_state *thr, void *frame, std::uint64_t act) noexcept {
  frame_record *f = frames().find(addr_of(frame));
  if (!f) return;
  rt_scope sc(thr);
  spin_guard g(f->mtx);
  if (!f->running || f->runner != thr->unique_id || f->activation != act) return;  // seen, or resumed since
  f->running = false;
  if (!f->destroyed) release(thr, f->clock);
}

// The return address of the compiler's resume functions called by call_resume (found at the first
// coroutine's creation; 0 before: every entry then runs its frame itself).
std::atomic<std::uintptr_t> g_return_site{0};

// Calls a compiler's resume function from the one call site resume_entry recognizes.
[[gnu::noinline]] LOCKSTEP_NO_IPA void call_resume(coro_fn fn, void *frame) {
  fn(frame);
  asm volatile("" ::: "memory");  // not a tail call: the callee returns here
}

void note_return_site(void *) {
  g_return_site.store(reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)), std::memory_order_relaxed);
}

void find_return_site() noexcept {
  coro_fn probe = note_return_site;
  asm volatile("" : "+r"(probe));  // an opaque argument: no copy of call_resume specialized for it
  call_resume(probe, nullptr);
}

// The frames this thread resumes, one activation after another: `frame`, then each frame an
// activation hands on by symmetric transfer (resume_entry leaves it in thr->coro_pending).
[[gnu::noinline]] void run_activations(thread_state *thr, void *frame) {
  struct trampoline {
    thread_state *thr;
    void *frame = nullptr;  // the activation running, while it runs (ended here if it throws)
    std::uint64_t act = 0;
    ~trampoline() {
      if (frame) {
        end_activation(thr, frame, act);
        thr->coro_pending = nullptr;
      }
      --thr->coro_trampolines;
    }
  } t{thr};
  ++thr->coro_trampolines;
  while (frame) {
    const std::uint64_t act = ++thr->coro_activations;
    if (coro_fn fn = begin_activation(thr, frame, act)) {
      t.frame = frame;
      t.act = act;
      call_resume(fn, frame);
      t.frame = nullptr;
      end_activation(thr, frame, act);
    }
    frame = thr->coro_pending;
    thr->coro_pending = nullptr;
  }
}

void resume_entry(void *frame) {
  thread_state *thr = tracked_thread();
  if (!thr) {
    coro_fn fn = original(frame, true);
    if (fn) LOCKSTEP_TAIL_CALL return fn(frame);
    return;
  }
  const auto from = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  if (thr->coro_trampolines && from == g_return_site.load(std::memory_order_relaxed)) {
    // Tail-called by the activation call_resume runs (symmetric transfer): it has suspended; the
    // loop below runs this frame once it has seen that activation end.
    thr->coro_pending = frame;
    return;
  }
  run_activations(thr, frame);
}

void destroy_entry(void *frame) {
  coro_fn fn = original(frame, false);
  if (thread_state *thr = tracked_thread()) {
    if (frame_record *f = frames().find(addr_of(frame))) {
      rt_scope sc(thr);
      const std::uint32_t stack = capture_stack_id(0);
      bool again;
      {
        spin_guard g(f->mtx);
        again = f->destroyed;
        if (!again) {
          f->destroyed = true;
          f->running = false;
          f->destroyed_stack = stack;
          f->destroyer = thr->unique_id;
          f->ncarried = 0;
          acquire(thr, f->clock);  // the frame's last suspension happens before its destruction
        }
      }
      if (again) {
        // A frame on its caller's stack: no quarantine, its destroy entry is still this one.
        report_use_after_destroy(thr, frame, "destroy() of the already destroyed");
        return;
      }
    }
  }
  // Runs the destructors and frees the frame (lockstep_coro_frame_free quarantines it).
  if (fn) LOCKSTEP_TAIL_CALL return fn(frame);
}

}  // namespace

void coro_begin(thread_state *thr, std::uintptr_t frame, std::uintptr_t pc, unsigned flags) noexcept {
  auto *entries = reinterpret_cast<coro_fn *>(frame);
  if (entries[0] == resume_entry) return;  // begun already (a second tracked base in one promise)
  if (!g_return_site.load(std::memory_order_relaxed)) find_return_site();
  const std::uint32_t stack = fp_stack_id(thr, pc);
  bool fresh = false;
  frame_record *f = frames().get_or_create(frame, [](frame_record &n) { n.reset(); }, fresh);
  if (!f) return;
  spin_guard g(f->mtx);
  const std::size_t heap = f->heap_size;  // set by the allocation just before, if the runtime's
  f->reset();
  f->heap_size = heap;
  f->resume = entries[0];
  f->destroy = entries[1];
  f->all_seen = (flags & LOCKSTEP_CORO_SUSPENSIONS_SEEN) != 0;
  // Suspended at its initial suspension, or running on at once (an eager coroutine): either way its
  // first activation owns none of the creator's locks.
  f->held_base = thr->nheld;
  f->created_stack = stack;
  f->creator = thr->unique_id;
  release(thr, f->clock);  // everything before the creation happens before the first resumption
  entries[0] = resume_entry;
  entries[1] = destroy_entry;
}

void coro_suspend(thread_state *thr, std::uintptr_t frame, std::uintptr_t pc) noexcept {
  frame_record *f = frames().find(frame);
  if (!f) return;
  std::uint32_t base;
  {
    spin_guard g(f->mtx);
    base = f->held_base;
  }
  if (base > thr->nheld) base = thr->nheld;  // it released locks its activation did not take
  std::vector<report_lock> held;
  held_lock carried[frame_record::max_carried];
  std::uint32_t ncarried = 0;
  if (thr->nheld > base) {
    held = held_locks_of(thr, base);  // described before they move: where each was taken
    ncarried = mutex_hand_over(thr, base, carried, frame_record::max_carried);
  }
  frame_history h;
  {
    spin_guard g(f->mtx);
    h = history_of(*f);
    for (std::uint32_t i = 0; i < ncarried; ++i) f->carried[i] = carried[i];
    f->ncarried = ncarried;
    f->running = false;
    release(thr, f->clock);  // before the awaiter can hand the coroutine to another thread
  }
  if (held.empty()) return;
  report r;
  r.kind = "coro-lock-across-suspend";
  r.summary = "coroutine suspends holding " + held[0].description;
  report_event ev;
  ev.description = "suspension of the " + frame_name(frame) + " by thread T" + std::to_string(thr->unique_id) +
                   " while it holds " + std::to_string(held.size()) +
                   " lock(s) it took: they stay locked while it is suspended, and the thread that resumes it "
                   "need not be the one that locked them";
  ev.thread = thr->unique_id;
  ev.stack = stack_from_id(fp_stack_id(thr, pc));
  ev.locks_held = std::move(held);
  r.events.push_back(std::move(ev));
  r.threads.push_back(describe_thread(*thr));
  r.events.push_back(earlier_event("the coroutine was created by thread T" + std::to_string(h.creator), h.creator,
                                   h.created_stack));
  add_thread(r, h.creator);
  r.objects.push_back(frame_object(frame, h.created_stack));
  r.once_per_site = true;
  emit(thr, std::move(r));
}

void *coro_frame_alloc(std::size_t size) noexcept {
  void *p = std::malloc(size < 2 * sizeof(void *) ? 2 * sizeof(void *) : size);
  if (!p) return nullptr;
  bool fresh = false;
  if (frame_record *f = frames().get_or_create(addr_of(p), [](frame_record &n) { n.reset(); }, fresh)) {
    spin_guard g(f->mtx);
    f->reset();  // the memory of an earlier, freed frame: forget it
    f->heap_size = size;
  }
  return p;
}

namespace {

void release_frame_memory(void *m) noexcept {
  frames().remove(addr_of(m), [](frame_record &f) {
    spin_guard g(f.mtx);
    f.reset();
  });
  std::free(m);
}

}  // namespace

void coro_frame_free(void *p, std::size_t size) noexcept {
  if (!p) return;
  auto *entries = static_cast<coro_fn *>(p);
  entries[0] = resume_destroyed;
  entries[1] = destroy_destroyed;
  void *evicted = nullptr;
  bool kept = false;
  {
    spin_guard g(g_quarantine.mtx);
    quarantine &q = g_quarantine;
    if (size <= quarantine::max_bytes) {
      if (q.count == quarantine::max_frames || q.bytes + size > quarantine::max_bytes) {
        const std::size_t oldest = (q.head + quarantine::max_frames - q.count) % quarantine::max_frames;
        evicted = q.ring[oldest];
        q.bytes -= q.size_of[oldest];
        --q.count;
      }
      if (q.count < quarantine::max_frames && q.bytes + size <= quarantine::max_bytes) {
        q.ring[q.head] = p;
        q.size_of[q.head] = size;
        q.head = (q.head + 1) % quarantine::max_frames;
        ++q.count;
        q.bytes += size;
        kept = true;
      }
    }
  }
  if (evicted) release_frame_memory(evicted);
  if (!kept) release_frame_memory(p);
}

void coro_fork_lock() noexcept {
  g_quarantine.mtx.lock();
  if (g_frames.built()) frames().lock_all();
}

void coro_fork_unlock() noexcept {
  if (g_frames.built()) frames().unlock_all();
  g_quarantine.mtx.unlock();
}

void coro_after_fork_child() noexcept {
  if (g_frames.built()) frames().for_each_node_in_fork_child([](frame_record &f) { f.mtx.unlock(); });
}

}  // namespace lockstep::rt

using namespace lockstep::rt;

extern "C" {

void lockstep_coro_begin(void *frame, unsigned flags) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  tracked_event([&](thread_state *t) { coro_begin(t, addr_of(frame), pc, flags); });
}
void lockstep_coro_suspend(void *frame) {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  tracked_event([&](thread_state *t) { coro_suspend(t, addr_of(frame), pc); });
}
void *lockstep_coro_frame_alloc(std::size_t size) { return coro_frame_alloc(size); }
void lockstep_coro_frame_free(void *frame, std::size_t size) { coro_frame_free(frame, size); }

}  // extern "C"
