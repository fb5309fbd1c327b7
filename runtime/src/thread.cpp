// The thread lifecycle: creation (the child starts with its parent's clock), start, exit (robust
// mutexes it holds pass on, its waits end), join (the joiner acquires the finished thread's clock),
// detach, and fork (every runtime lock is taken across it). The records themselves are
// thread_registry.cpp's.
#include <signal.h>

#include <new>

#include "rtl.hpp"

namespace lockstep::rt {

struct thread_start_info {
  thread_state *child;
  void *(*fn)(void *);
  void *arg;
  sigset_t mask;  // the creator's signal mask, restored once the child is bound to its record
};

namespace {

// The TLS key whose destructor gives the runtime every thread's exit, also after pthread_exit, and
// runs after the thread's C++ thread_local destructors (which may still lock). pthread_key_create is
// not intercepted. Created when the library loads, or earlier by a thread created before that.
spinlock g_exit_key_mtx;
std::atomic<bool> g_exit_key_ready{false};

// A thread that ends while it runs a fiber (or another thread's state it switched to) ends as
// itself: what the running state knows happened before this point on this thread (program order),
// so the thread's own clock, which a joiner acquires, takes it in.
void return_to_own_state(thread_state *t) noexcept {
  thread_state *running = t_cur;
  if (!running || running == t) return;
  ++t->in_rt;
  ++running->in_rt;
  if (t->in_rt == 1 && running->in_rt == 1) t->clock.join(running->clock);
  t_cur = t;
  --running->in_rt;
  --t->in_rt;
}

void on_thread_exit(void *arg) {
  auto *t = static_cast<thread_state *>(arg);
  if (t) return_to_own_state(t);
  if (t && t_cur == t) thread_finish(t);
}

void ensure_exit_key() noexcept {
  if (g_exit_key_ready.load(std::memory_order_acquire)) return;
  spin_guard g(g_exit_key_mtx);
  if (g_exit_key_ready.load(std::memory_order_relaxed)) return;
  pthread_key_t key;
  if (pthread_key_create(&key, on_thread_exit) != 0) return;
  registry_set_exit_key(key);
  g_exit_key_ready.store(true, std::memory_order_release);
  // A thread registered before the key existed (the one loading the library) is bound to it now.
  if (thread_state *t = t_cur) pthread_setspecific(key, t);
}

}  // namespace

thread_state *thread_new_child(thread_state *parent, std::uint32_t created_stack) noexcept {
  const bool races = opt_detect_races();  // before the registry lock: parsing options may lock
  thread_state *child = registry_new_thread();
  if (!child) return nullptr;
  // Everything the parent did so far happens before everything the child does: the child starts
  // with the parent's clock, and the parent moves to a new epoch.
  child->clock.join(parent->clock);
  tick_own(parent);
  child->parent_unique_id = parent->unique_id;
  child->ignore_accesses = !races;
  child->created_stack = created_stack;
  return child;
}

thread_start_info *thread_before_create(thread_state *parent, bool detached) noexcept {
  void *mem = internal_alloc(sizeof(thread_start_info));
  if (!mem) return nullptr;
  auto *info = new (mem) thread_start_info{nullptr, nullptr, nullptr, {}};
  ensure_exit_key();
  thread_state *child = thread_new_child(parent, capture_stack_id(0));
  if (!child) {
    internal_free(info, sizeof(thread_start_info));
    return nullptr;
  }
  child->detached = detached;  // created detached: its slot is recycled when it exits
  info->child = child;
  return info;
}

void thread_create_failed(thread_start_info *info) noexcept {
  if (!info) return;
  registry_free_slot(info->child);
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
  registry_bind_current(t);
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
  const bool recycle = registry_mark_finished(thr);
  // A joinable thread keeps its state bound: destructors that run after ours (other TLS keys, libc's
  // own exit work) may still lock, and must not register a second slot under the same pthread_t that
  // a join would then pick. A detached thread gives its slot back now; late events re-register.
  if (recycle) {
    t_cur = nullptr;
    registry_free_slot(thr);
  }
}

void thread_after_join(thread_state *joiner, thread_state *joined) noexcept {
  if (!joined) return;
  // The real join returned: the joined thread ran its last instruction, its clock is final.
  joiner->clock.join(joined->clock);
  registry_free_slot(joined);
}

void thread_after_detach(thread_state *t) noexcept {
  if (!t) return;
  if (registry_mark_detached(t)) registry_free_slot(t);
}

namespace {

// The order matches the nesting inside the runtime (see rtl.hpp): the reporting layer's printing
// and symbolizer locks (taken with no runtime lock held, rule 6), graph and blocked list, lock ids,
// race dedup and shadow table, the instrumented shadow's read-only marks, the registry, the shadow
// ids (renewed under it), the sync and page tables, the clock-chunk pool, the allocator, and the
// stack depot last (a leaf: captures happen under some of the above). The forking thread is marked inside the runtime meanwhile, so a signal
// handler cannot re-enter a table whose locks it holds.
void before_fork() {
  if (thread_state *t = t_cur) ++t->in_rt;
  report_fork_lock();
  symbolizer_fork_lock();
  deadlock_fork_lock();
  lock_ids_fork_lock();
  shadow_fork_lock();
  readonly_marks_fork_lock();
  registry_fork_lock();
  shadow_ids_fork_lock();
  coro_fork_lock();
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
  coro_fork_unlock();
  shadow_ids_fork_unlock();
  registry_fork_unlock();
  readonly_marks_fork_unlock();
  shadow_fork_unlock();
  lock_ids_fork_unlock();
  deadlock_fork_unlock(child);
  symbolizer_fork_unlock();
  report_fork_unlock();
  if (thread_state *t = t_cur) --t->in_rt;
}

void after_fork_parent() { unlock_after_fork(false); }

void after_fork_child() {
  // Every other thread is gone: their slots are freed (see registry_after_fork_child).
  registry_after_fork_child(t_cur);
  // Under the tables' locks, which keep their node lists still.
  tables_after_fork_child();
  shadow_after_fork_child();
  coro_after_fork_child();
  signals_after_fork_child();
  fd_objects_after_fork_child();
  unlock_after_fork(true);
  // After the locks are released: the clock may take memory from the clock pool, whose lock the fork
  // held (joining there hung the child).
  if (thread_state *t = t_cur) {
    rt_scope sc(t);
    registry_acquire_vanished(t);
  }
}

}  // namespace

// Registers the thread that loads the library (normally main) first, so it is "T0", and the fork
// handler (pthread_atfork is not intercepted).
__attribute__((constructor(101))) static void register_initial_thread() {
  ensure_exit_key();
  (void)cur_thread();
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

}  // namespace lockstep::rt
