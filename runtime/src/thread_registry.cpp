// The thread registry: a slot, a vector-clock component and a T number per thread of the program,
// found by slot, by pthread_t or by unique id; names and creation stacks, kept for a while after a
// thread finished. Slots of joined (or finished detached) threads are reused, so programs that run
// thousands of threads over time need only as many slots as are alive at once. What happens when a
// thread starts, ends, is joined or the process forks is thread.cpp's; this file only keeps the
// records, so every event handler can look threads up without depending on the thread lifecycle.
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "rtl.hpp"

extern "C" void *__libc_stack_end;  // glibc: the initial thread's stack top

namespace lockstep::rt {

__thread thread_state *t_cur = nullptr;

namespace {

// Who a finished thread was, kept after its slot went to another thread, so reports about its
// accesses and lock-order edges can still say where it was created.
struct thread_identity {
  std::uint64_t unique_id = 0;
  std::uint64_t parent_unique_id = 0;
  std::uint32_t created_stack = 0;
  char name[sizeof(thread_state::name)] = {};
};
constexpr std::uint32_t identity_history = 4096;  // the most recent finished threads

struct registry {
  spinlock mtx;
  thread_state *slots[max_threads] = {};
  std::uint32_t high_water = 0;           // slots[0..high_water) were used at some point
  std::uint32_t free_list[max_threads] = {};
  std::uint32_t free_count = 0;
  std::uint64_t next_unique_id = 0;
  pthread_key_t exit_key{};  // thread.cpp's, whose destructor reports each thread's exit
  std::atomic<bool> key_ready{false};
  thread_identity history[identity_history] = {};
  std::uint64_t history_count = 0;
};
// Zero-initialized static storage (rule 5): no constructor to run, usable from the first event.
registry g_reg;

// Takes a slot and prepares its state. Called with g_reg.mtx held. Null when every slot is live.
thread_state *alloc_slot_locked() noexcept {
  std::uint32_t tid;
  if (g_reg.free_count > 0) {
    tid = g_reg.free_list[--g_reg.free_count];
  } else if (g_reg.high_water < max_threads) {
    tid = g_reg.high_water++;
  } else {
    return nullptr;
  }
  thread_state *t = g_reg.slots[tid];
  std::uint32_t own = 0;
  if (!t) {
    void *mem = internal_alloc(sizeof(thread_state));
    if (!mem) return nullptr;
    // Default-initialized, not value-initialized: the memory is zero already, and the large
    // arrays at the end of the record (no initializers) stay untouched until used.
    t = new (mem) thread_state;
    g_reg.slots[tid] = t;
  } else {
    thread_identity &old = g_reg.history[g_reg.history_count++ % identity_history];
    old.unique_id = t->unique_id;
    old.parent_unique_id = t->parent_unique_id;
    old.created_stack = t->created_stack;
    std::memcpy(old.name, t->name, sizeof old.name);
    // A reused slot continues its own component above every epoch the previous occupant left in
    // shadow cells and sync clocks; the rest of its clock starts empty (no inherited knowledge).
    own = t->clock.get(tid);
    t->clock.reset();
    for (auto &c : t->sid_covered) c = 0;  // what the earlier occupant's clock covered
  }
  t->tid = tid;
  t->unique_id = g_reg.next_unique_id++;
  // Release marks naming the earlier occupant are no longer trusted (rtl.hpp, covers_release).
  if (own) g_release_floor[tid].store(own + 1, std::memory_order_release);
  t->clock.set(tid, own + 1);
  note_own_clock(t);
  t->in_rt = 0;
  t->stack = stack_bounds{};
  t->nheld = 0;
  t->held_overflow = 0;
  note_held_set_changed(t);
  for (auto &k : t->lockset_cache_key) k = 0;
  t->ignore_accesses = false;
  t->edge_cache_gen = ~std::uint64_t{0};  // forces a cache clear on first use
  t->handle = pthread_t{};
  t->detached = false;
  t->joined_by_someone = false;
  t->fiber = false;
  t->name[0] = '\0';
  t->created_stack = 0;
  t->parent_unique_id = 0;
  t->blocked_on.store(0, std::memory_order_relaxed);
  t->blocked_kind = wait_kind::none;
  t->blocked_stack = 0;
  t->blocked_target_tid = 0;
  t->cv_wait.store(0, std::memory_order_relaxed);  // a thread that vanished in a fork may have left it set
  t->ignore_reads = t->ignore_writes = t->ignore_sync = t->ignore_sync_annotated = 0;
  t->fence_released = false;
  t->fence_clock.reset();
  t->fence_pending.reset();
  t->coro_trampolines = 0;
  t->coro_pending = nullptr;
  if (t->trace) {  // the new thread takes the slot's trace over at its first instrumented event (trace.cpp)
    __atomic_store_n(&t->idle_trace, t->trace, __ATOMIC_RELEASE);
    __atomic_store_n(&t->trace, nullptr, __ATOMIC_RELEASE);
  }
  t->status.store(thread_status::running, std::memory_order_release);
  return t;
}

}  // namespace

__thread bool t_runtime_helper = false;

thread_state *register_current_slow() noexcept {
  if (t_runtime_helper) return nullptr;  // not a thread of the program: no slot, no T number
  const bool races = opt_detect_races();  // before the registry lock: parsing options may lock
  thread_state *t = registry_new_thread();
  if (!t) return nullptr;
  t->ignore_accesses = !races;
  // The initial thread's stack ends at glibc's __libc_stack_end and may grow down to its rlimit.
  // Threads started before the runtime was loaded keep unknown bounds: their cheap stacks are the
  // call site alone (their bounds need pthread_getattr_np, which allocates, and this may run in a
  // signal handler).
  if (getpid() == static_cast<pid_t>(syscall(SYS_gettid))) {
    rlimit lim{};
    const std::uintptr_t top = reinterpret_cast<std::uintptr_t>(__libc_stack_end);
    std::uintptr_t size = std::uintptr_t{256} << 20;
    if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < size) size = lim.rlim_cur;
    t->stack = stack_bounds{top > size ? top - size : 0, top};
  }
  registry_bind_current(t);
  return t;
}

thread_state *registry_new_thread() noexcept {
  spin_guard g(g_reg.mtx);
  return alloc_slot_locked();
}

void registry_free_slot(thread_state *t) noexcept {
  spin_guard g(g_reg.mtx);
  if (t->status.load(std::memory_order_relaxed) == thread_status::free) return;
  t->status.store(thread_status::free, std::memory_order_release);
  retire_shadow_id(t);
  g_reg.free_list[g_reg.free_count++] = t->tid;
}

void registry_bind_current(thread_state *t) noexcept {
  t_cur = t;
  __atomic_store_n(&t->handle, pthread_self(), __ATOMIC_RELEASE);
  if (g_reg.key_ready.load(std::memory_order_acquire)) pthread_setspecific(g_reg.exit_key, t);
}

void registry_set_exit_key(pthread_key_t key) noexcept {
  g_reg.exit_key = key;
  g_reg.key_ready.store(true, std::memory_order_release);
}

bool registry_mark_finished(thread_state *t) noexcept {
  spin_guard g(g_reg.mtx);
  t->status.store(thread_status::finished, std::memory_order_release);
  return t->detached;
}

bool registry_mark_detached(thread_state *t) noexcept {
  spin_guard g(g_reg.mtx);
  t->detached = true;
  return t->status.load(std::memory_order_relaxed) == thread_status::finished;
}

void registry_fork_lock() noexcept { g_reg.mtx.lock(); }
void registry_fork_unlock() noexcept { g_reg.mtx.unlock(); }

void registry_after_fork_child(thread_state *self) noexcept {
  // Every other thread is gone: their slots are freed, so a pthread_t the child reuses never matches
  // a stale record (a join would then acquire the wrong thread's clock). This thread keeps its own
  // record (the one bound to it) and the fiber it may be running; every fiber is kept, since the
  // child may switch to it.
  thread_state *own = g_reg.key_ready.load(std::memory_order_acquire)
                          ? static_cast<thread_state *>(pthread_getspecific(g_reg.exit_key))
                          : nullptr;
  if (!own) own = self;
  g_reg.free_count = 0;
  for (std::uint32_t i = g_reg.high_water; i-- > 0;) {
    thread_state *t = g_reg.slots[i];
    if (t && (t == self || t == own ||
              (t->fiber && t->status.load(std::memory_order_relaxed) != thread_status::free)))
      continue;
    if (t) {
      t->status.store(thread_status::free, std::memory_order_relaxed);
      retire_shadow_id(t, true);
    }
    g_reg.free_list[g_reg.free_count++] = i;
  }
  if (own) __atomic_store_n(&own->handle, pthread_self(), __ATOMIC_RELEASE);
}

void registry_acquire_vanished(thread_state *self) noexcept {
  // What the free slots' threads did is over for the child (they vanished in the fork, or ended before
  // it): none of it can race with what the child does next (libuv's child re-initializes the condition
  // variable its pool's threads waited on). A thread the child starts in a slot continues its epochs
  // above these. (The child has one thread: no lock needed.)
  for (std::uint32_t i = 0; i < g_reg.high_water; ++i) {
    const thread_state *t = g_reg.slots[i];
    if (!t || t == self || t->status.load(std::memory_order_relaxed) != thread_status::free) continue;
    const std::uint32_t epoch = t->clock.get(t->tid);
    if (epoch > self->clock.get(t->tid)) self->clock.set(t->tid, epoch);
    // Its epochs, not its clock: release marks naming it are no longer trusted (rtl.hpp, covers_release).
    g_release_floor[t->tid].store(epoch + 1, std::memory_order_relaxed);
  }
}

thread_state *thread_by_tid(std::uint32_t tid) noexcept {
  if (tid >= max_threads) return nullptr;
  return __atomic_load_n(&g_reg.slots[tid], __ATOMIC_ACQUIRE);
}

// glibc hands a joined thread's stack, hence its pthread_t, to the next thread at once, so several
// records can carry one handle for a moment: the newest one that nobody is joining is the thread.
static thread_state *find_by_handle_locked(pthread_t h) noexcept {
  thread_state *best = nullptr;
  for (std::uint32_t i = 0; i < g_reg.high_water; ++i) {
    thread_state *t = g_reg.slots[i];
    if (t && t->status.load(std::memory_order_relaxed) != thread_status::free && !t->joined_by_someone &&
        pthread_equal(__atomic_load_n(&t->handle, __ATOMIC_ACQUIRE), h) && (!best || t->unique_id > best->unique_id))
      best = t;
  }
  return best;
}

thread_state *thread_by_handle(pthread_t h) noexcept {
  spin_guard g(g_reg.mtx);
  return find_by_handle_locked(h);
}

thread_state *thread_claim_for_join(pthread_t h) noexcept {
  spin_guard g(g_reg.mtx);
  thread_state *t = find_by_handle_locked(h);
  if (t) t->joined_by_someone = true;  // later lookups of the (soon reused) handle skip it
  return t;
}

void thread_unclaim(thread_state *t) noexcept {
  if (!t) return;
  spin_guard g(g_reg.mtx);
  t->joined_by_someone = false;
}

void set_thread_name(thread_state *thr, const char *name) noexcept {
  if (!thr || !name) return;
  std::size_t n = std::strlen(name);
  if (n >= sizeof(thr->name)) n = sizeof(thr->name) - 1;
  std::memcpy(thr->name, name, n);
  thr->name[n] = '\0';
}

report_thread describe_thread_by_unique_id(std::uint64_t unique_id) {
  // Copied under the registry's lock, described (which allocates) after it.
  thread_identity who;
  bool found = false, finished = true;
  {
    spin_guard g(g_reg.mtx);
    for (std::uint32_t i = 0; i < g_reg.high_water && !found; ++i) {
      // Unique ids are never reused: a slot with this one is the thread, even once joined (free).
      const thread_state *t = g_reg.slots[i];
      if (!t || t->unique_id != unique_id) continue;
      who.parent_unique_id = t->parent_unique_id;
      who.created_stack = t->created_stack;
      std::memcpy(who.name, t->name, sizeof who.name);
      finished = t->status.load(std::memory_order_relaxed) != thread_status::running;
      found = true;
    }
    const std::uint64_t n = g_reg.history_count < identity_history ? g_reg.history_count : identity_history;
    for (std::uint64_t i = 0; i < n && !found; ++i) {
      if (g_reg.history[i].unique_id != unique_id) continue;
      who = g_reg.history[i];
      found = true;
    }
  }
  report_thread r;
  r.id = unique_id;
  r.finished = finished;
  if (!found) return r;  // finished too long ago to be remembered: the id alone
  who.name[sizeof who.name - 1] = '\0';
  r.name = who.name;
  r.parent = who.parent_unique_id;
  r.created_at = stack_from_id(who.created_stack);
  return r;
}

report_thread describe_thread(const thread_state &t) {
  report_thread r;
  r.id = t.unique_id;
  r.name = t.name;
  r.parent = t.parent_unique_id;  // the main thread (unique id 0) has no parent; reports skip it
  r.created_at = stack_from_id(t.created_stack);
  r.finished = t.status.load(std::memory_order_relaxed) == thread_status::finished;
  return r;
}

}  // namespace lockstep::rt
