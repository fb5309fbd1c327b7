// The thread registry: slots and vector clocks per thread, creation/start/exit/join/detach, names and
// creation stacks. Slots of joined (or finished detached) threads are reused, so programs that run
// thousands of threads over time need only as many slots as are alive at once.
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
  pthread_key_t exit_key{};
  bool key_ready = false;
  thread_identity history[identity_history] = {};
  std::uint64_t history_count = 0;
};
// Zero-initialized static storage (rule 5): no constructor to run, usable from the first event.
registry g_reg;

void on_thread_exit(void *arg);

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
  }
  t->tid = tid;
  t->unique_id = g_reg.next_unique_id++;
  t->clock.set(tid, own + 1);
  t->in_rt = 0;
  t->stack = stack_bounds{};
  t->nheld = 0;
  t->held_overflow = 0;
  t->lockset = 0;
  t->lockset_dirty = true;
  for (auto &k : t->lockset_cache_key) k = 0;
  t->ignore_accesses = false;
  t->edge_cache_gen = ~std::uint64_t{0};  // forces a cache clear on first use
  t->handle = pthread_t{};
  t->detached = false;
  t->joined_by_someone = false;
  t->name[0] = '\0';
  t->created_stack = 0;
  t->parent_unique_id = 0;
  t->blocked_on.store(0, std::memory_order_relaxed);
  t->blocked_kind = wait_kind::none;
  t->blocked_stack = 0;
  t->blocked_target_tid = 0;
  t->cv_wait.store(0, std::memory_order_relaxed);  // a thread that vanished in a fork may have left it set
  t->status.store(thread_status::running, std::memory_order_release);
  return t;
}

void free_slot(thread_state *t) noexcept {
  spin_guard g(g_reg.mtx);
  if (t->status.load(std::memory_order_relaxed) == thread_status::free) return;
  t->status.store(thread_status::free, std::memory_order_release);
  g_reg.free_list[g_reg.free_count++] = t->tid;
}

void ensure_exit_key() noexcept {
  if (g_reg.key_ready) return;
  // pthread_key_create is not intercepted; its destructor gives us every thread's exit, also after
  // pthread_exit, and runs after the thread's C++ thread_local destructors (which may still lock).
  if (pthread_key_create(&g_reg.exit_key, on_thread_exit) == 0) g_reg.key_ready = true;
}

void bind_current(thread_state *t) noexcept {
  t_cur = t;
  __atomic_store_n(&t->handle, pthread_self(), __ATOMIC_RELEASE);
  if (g_reg.key_ready) pthread_setspecific(g_reg.exit_key, t);
}

void on_thread_exit(void *arg) {
  auto *t = static_cast<thread_state *>(arg);
  if (t && t_cur == t) thread_finish(t);
}

}  // namespace

__thread bool t_runtime_helper = false;

thread_state *register_current_slow() noexcept {
  if (t_runtime_helper) return nullptr;  // not a thread of the program: no slot, no T number
  const bool races = opt_detect_races();  // before the registry lock: parsing options may lock
  thread_state *t;
  {
    spin_guard g(g_reg.mtx);
    ensure_exit_key();
    t = alloc_slot_locked();
  }
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
  bind_current(t);
  return t;
}

struct thread_start_info {
  thread_state *child;
  void *(*fn)(void *);
  void *arg;
  sigset_t mask;  // the creator's signal mask, restored once the child is bound to its record
};

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

thread_start_info *thread_before_create(thread_state *parent, bool detached) noexcept {
  const bool races = opt_detect_races();
  void *mem = internal_alloc(sizeof(thread_start_info));
  if (!mem) return nullptr;
  auto *info = new (mem) thread_start_info{nullptr, nullptr, nullptr, {}};
  thread_state *child;
  {
    spin_guard g(g_reg.mtx);
    ensure_exit_key();
    child = alloc_slot_locked();
  }
  if (!child) {
    internal_free(info, sizeof(thread_start_info));
    return nullptr;
  }
  // Everything the parent did so far happens before everything the child does: the child starts
  // with the parent's clock, and the parent moves to a new epoch.
  child->clock.join(parent->clock);
  parent->clock.tick(parent->tid);
  child->parent_unique_id = parent->unique_id;
  child->detached = detached;  // created detached: its slot is recycled when it exits
  child->ignore_accesses = !races;
  child->created_stack = capture_stack_id(0);
  info->child = child;
  return info;
}

void thread_create_failed(thread_start_info *info) noexcept {
  if (!info) return;
  free_slot(info->child);
  internal_free(info, sizeof(thread_start_info));
}

thread_state *thread_child(thread_start_info *info) noexcept { return info->child; }

void thread_after_create(thread_state *child, pthread_t handle) noexcept {
  // The parent may join before the child ran a single instruction: the handle must be known now.
  // The child stores the same value (pthread_self) when it starts.
  __atomic_store_n(&child->handle, handle, __ATOMIC_RELEASE);
}

void set_start_routine(thread_start_info *info, void *(*fn)(void *), void *arg, const sigset_t &mask) noexcept {
  info->fn = fn;
  info->arg = arg;
  info->mask = mask;
}

void *thread_trampoline(void *p) {
  auto *info = static_cast<thread_start_info *>(p);
  thread_state *t = info->child;
  void *(*fn)(void *) = info->fn;
  void *arg = info->arg;
  const sigset_t mask = info->mask;
  internal_free(info, sizeof(thread_start_info));
  // The child starts with every signal blocked (see pthread_create in interpose.cpp): a handler
  // that ran before this point would register the thread a second time.
  bind_current(t);
  {
    // glibc reuses the stacks (and the static TLS inside them) of finished threads: whatever an
    // earlier thread left in this memory (shadow of its thread_locals and locals, records of its
    // stack mutexes) must not be held against this one.
    rt_scope sc(t);
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
      void *stack = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&a, &stack, &size) == 0 && stack) {
        forget_heap_range(reinterpret_cast<std::uintptr_t>(stack), size);
        // Frame-pointer walks stop below this frame: what lies above is glibc's thread start.
        t->stack = stack_bounds{reinterpret_cast<std::uintptr_t>(stack),
                                reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0))};
      }
      pthread_attr_destroy(&a);
    }
  }
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  return fn(arg);  // exit (return or pthread_exit) reaches thread_finish through the TLS key
}

void thread_finish(thread_state *thr) noexcept {
  mutex_thread_exit(thr);  // robust mutexes it still holds pass to their next locker
  // Everything the thread did happens before a join returns: the joiner acquires this thread's clock
  // itself once the thread is gone (thread_after_join), with whatever late destructors added to it.
  // No copy at exit: with thousands of live threads each clock has thousands of entries, and a
  // second one per thread doubled the runtime's memory.
  deadlock_on_unblock(thr);
  bool recycle;
  {
    spin_guard g(g_reg.mtx);
    thr->status.store(thread_status::finished, std::memory_order_release);
    recycle = thr->detached;
  }
  // A joinable thread keeps its state bound: destructors that run after ours (other TLS keys, libc's
  // own exit work) may still lock, and must not register a second slot under the same pthread_t that
  // a join would then pick. A detached thread gives its slot back now; late events re-register.
  if (recycle) {
    t_cur = nullptr;
    free_slot(thr);
  }
}

void thread_after_join(thread_state *joiner, thread_state *joined) noexcept {
  if (!joined) return;
  // The real join returned: the joined thread ran its last instruction, its clock is final.
  joiner->clock.join(joined->clock);
  free_slot(joined);
}

void thread_after_detach(thread_state *t) noexcept {
  if (!t) return;
  bool recycle;
  {
    spin_guard g(g_reg.mtx);
    t->detached = true;
    recycle = t->status.load(std::memory_order_relaxed) == thread_status::finished;
  }
  if (recycle) free_slot(t);
}

namespace {

// The order matches the nesting inside the runtime (see rtl.hpp): the reporting layer's printing
// and symbolizer locks (taken with no runtime lock held, rule 6), graph and blocked list, lock ids,
// race dedup and shadow table, the registry, the sync and page tables, the clock-chunk pool, the
// allocator, and the stack depot last (a leaf: captures happen under some of the above). The
// forking thread is marked inside the runtime meanwhile, so a signal handler cannot re-enter a table
// whose locks it holds.
void before_fork() {
  if (thread_state *t = t_cur) ++t->in_rt;
  report_fork_lock();
  symbolizer_fork_lock();
  deadlock_fork_lock();
  mutex_fork_lock();
  shadow_fork_lock();
  g_reg.mtx.lock();
  tables_fork_lock();
  clock_pool_fork_lock();
  alloc_fork_lock();
  depot_fork_lock();
}

void unlock_after_fork(bool child) {
  depot_fork_unlock();
  alloc_fork_unlock();
  clock_pool_fork_unlock();
  tables_fork_unlock();
  g_reg.mtx.unlock();
  shadow_fork_unlock();
  mutex_fork_unlock();
  deadlock_fork_unlock(child);
  symbolizer_fork_unlock();
  report_fork_unlock();
  if (thread_state *t = t_cur) --t->in_rt;
}

void after_fork_parent() { unlock_after_fork(false); }

void after_fork_child() {
  // Every other thread is gone: free their slots so a pthread_t the child reuses never matches a
  // stale record (a join would then acquire the wrong thread's clock).
  thread_state *self = t_cur;
  g_reg.free_count = 0;
  for (std::uint32_t i = g_reg.high_water; i-- > 0;) {
    thread_state *t = g_reg.slots[i];
    if (t == self) continue;
    if (t) t->status.store(thread_status::free, std::memory_order_relaxed);
    g_reg.free_list[g_reg.free_count++] = i;
  }
  if (self) __atomic_store_n(&self->handle, pthread_self(), __ATOMIC_RELEASE);
  // Under the tables' locks, which keep their node lists still.
  tables_after_fork_child();
  shadow_after_fork_child();
  unlock_after_fork(true);
}

}  // namespace

// Registers the thread that loads the library (normally main) first, so it is "T0", and the fork
// handler (pthread_atfork is not intercepted).
__attribute__((constructor(101))) static void register_initial_thread() {
  (void)cur_thread();
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

}  // namespace lockstep::rt
