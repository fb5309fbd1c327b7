// The runtime core's internal header: thread state, sync objects, the address tables and the event API.
//
// Ground rules for every line of runtime code (the watched program must never notice us except through
// reports):
//  1. No allocation on the hot path (lock/unlock/wait/access of an already-known object). Rare paths
//     (first sight of an object, clock growth) allocate from `internal_alloc`, not malloc: malloc is
//     not signal-safe and user allocators may themselves lock. Only the rarest paths (a new lock-order
//     edge, a long block, a report) may use malloc, through the graph detectors and the report model.
//  2. No pthread locks for runtime state: only `spinlock` (our own), held for a bounded, short time,
//     never across a call that can block, never across `emit_report` or an unwinder capture
//     (capture_stack may take the loader's lock). Frame-pointer walks take no lock and may run
//     under a spinlock.
//  3. Never call an intercepted function re-entrantly. Every entry point checks `thread_state::in_rt`:
//     when it is set (we are already inside the runtime on this thread, e.g. a signal handler interrupted
//     us, or the reporting code locks a mutex) the call is forwarded to the real function untracked.
//     The converse holds too: a signal handler's wrapper (signals.cpp) acquires into the interrupted
//     thread's clock whenever in_rt is 0, so whatever reads or changes a thread's clock, or takes a
//     runtime spinlock, does so with in_rt raised.
//  4. Never throw; never let a C++ exception cross an interposed C function.
//  5. Runtime state is never destroyed: globals are placement-new'ed into static storage, so events that
//     arrive during static destruction or from late thread exits still find valid state.
//  6. Report only after releasing every internal lock: collect what to report under the lock, then build
//     and emit the report outside it (the skeleton of every sync handler).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>  // std::adopt_lock_t
#include <pthread.h>
#include <signal.h>

#include "clocks.hpp"
#include "deadlock/wait_kind.hpp"
#include "report.hpp"

struct lockstep_source_site;  // <lockstep/annotations.hpp>

namespace lockstep::rt {

// ---------------------------------------------------------------------------------------------------
// Primitives of our own.

// Tells the core we are spinning (frees resources for the sibling hyperthread, saves power).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A test-and-test-and-set lock that yields under contention. Never a pthread mutex (rule 2). Unlike
// the reporting layer's spin_mutex, its uncontended path is inline: it guards every lock event.
class spinlock {
public:
  void lock() noexcept {
    if (!flag_.exchange(true, std::memory_order_acquire)) return;
    lock_slow();
  }
  bool try_lock() noexcept { return !flag_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

private:
  void lock_slow() noexcept;
  std::atomic<bool> flag_{false};
};

class spin_guard {
public:
  explicit spin_guard(spinlock &m) noexcept : m_(m) { m_.lock(); }
  spin_guard(spinlock &m, std::adopt_lock_t) noexcept : m_(m) {}  // m is already locked by the caller
  ~spin_guard() { m_.unlock(); }
  spin_guard(const spin_guard &) = delete;
  spin_guard &operator=(const spin_guard &) = delete;

private:
  spinlock &m_;
};

// Zeroed memory from mmap'ed arenas in power-of-two size classes, recycled through free lists.
// Signal-safe as long as the interrupted code was not itself inside the allocator (rule 3 makes sure).
void *internal_alloc(std::size_t size) noexcept;
void internal_free(void *p, std::size_t size) noexcept;

// A global built on its first use and never destroyed (rule 5): usable from the first event, before
// the C++ dynamic initializers ran (it has none of its own: zero-initialized static storage) and
// after static destructors ran.
template <class T> class lazy_global {
public:
  T &get() noexcept {
    if (__builtin_expect(!built(), 0)) {
      spin_guard g(init_mtx_);
      if (!ready_.load(std::memory_order_relaxed)) {
        new (storage_) T();
        ready_.store(true, std::memory_order_release);
      }
    }
    return *reinterpret_cast<T *>(storage_);
  }
  // Whether get() has built it: callers that only forget or count need not build it.
  bool built() const noexcept { return ready_.load(std::memory_order_acquire); }

private:
  alignas(T) unsigned char storage_[sizeof(T)];
  std::atomic<bool> ready_{false};
  spinlock init_mtx_;
};

// ---------------------------------------------------------------------------------------------------
// Sync objects: one record per mutex, rwlock, condition variable, once/guard word, semaphore, latch,
// barrier or thread handle, keyed by address in a lock-free-read hash table.

enum class sync_kind : std::uint8_t { unknown, mutex, rwlock, condvar, once, guard, user, spinlock, semaphore, latch, barrier, atomic };

// What the runtime counted for a semaphore, latch or barrier (sync_var::counter; the record's kind
// says which fields mean something). Exact only when the events are serialized with the real state
// changes, as the drop-in types do under their internal lock; a sem_t's count is known only when its
// sem_init was seen, and is then an upper bound (posts are recorded before the real post, waits after
// the real wait), so it never decides a report on its own (see semaphore.cpp).
struct counter_state {
  bool known = false;           // an init event set the count (else no count-based check is made)
  std::int64_t count = 0;       // semaphore: permits; latch: count-downs still expected;
                                // barrier: arrivals still expected in the current phase
  std::int64_t limit = 0;       // semaphore: max() (0: none checked); barrier: participants of the next phases
  std::uint64_t phase = 0;      // barrier: phases completed
  std::uint32_t completing = 0; // barrier: tid+1 of the thread running the completion function, 0 none
};

struct sync_var {
  // What an atomic operation's acquire reads here (the lookup's fields, the lock, the clock's size and
  // the pointer to its chunk) is the first cache line (records are blocks of the runtime's
  // allocator, aligned to their size): one miss, not three (the lookup's fields had a line of their
  // own, against owners' writes to those below; every lookup but a hash collision's locks the record
  // next anyway).
  std::atomic<std::uintptr_t> addr{0};  // 0 while on the free list
  std::atomic<sync_var *> next{nullptr}; // hash chain
  spinlock mtx;                        // guards everything below
  sync_kind kind = sync_kind::unknown;
  bool recursive = false;                // recursive mutex: relocking by the owner is fine
  bool errorcheck = false;               // error-checking mutex: relocking returns EDEADLK
  bool robust = false;                   // robust mutex (see mutex_thread_exit)
  bool reported_destroyed = false;
  // Released by unlock/signal/once/guard, by every semaphore release and latch count-down; a barrier's
  // completed phases (what every departure acquires).
  vector_clock clock;
  sync_var *free_next = nullptr;         // recycling list of the table
  sync_var *all_next = nullptr;          // every record of the table (fork child)
  std::atomic<std::uint32_t> owner{0};   // tid+1 of the exclusive owner, 0 when none
  // Bumped each time the record is forgotten (destroy, re-init, free): a held-set entry made under
  // another generation is about an object that no longer exists (see drop_forgotten_held).
  std::atomic<std::uint32_t> generation{0};
  std::uint32_t recursion = 0;           // exclusive acquisitions by the owner
  std::uint32_t readers = 0;             // shared holders (rwlock)
  std::uint32_t lock_id = 0;             // dense id for the graph detectors, 0 = not assigned yet
  std::uint32_t created_stack = 0;       // stack depot id, 0 = unknown
  std::uintptr_t acquired_pc = 0;        // owner's acquisition call site (always)
  const char *name = nullptr;            // user-provided (drop-in types), static lifetime or interned
  // Condition variables: the mutex current waiters use and how many wait.
  std::uintptr_t cv_mutex = 0;
  std::uint32_t cv_waiters = 0;          // written under mtx, also read without it (cond_signal_done)
  std::uint32_t cv_mutex_stack = 0;      // stack of a waiter that used cv_mutex
  std::uint32_t cv_mutex_tid = 0;
  bool cv_mixed = false;                 // two waiters ever used different mutexes at once (misuse)
  // Notifications (signal or broadcast) whose real call has returned: bumped after it, so an untimed
  // waiter that began before a notification that could wake it sees this count move (see
  // thread_state::cv_wait). Read through thread_state::blocked_word, hence plain and volatile-read.
  std::uint32_t cv_signals = 0;
  // The latest notification, for a report about a wait that began after it: its thread (unique id
  // + 1, 0 = never notified) and innermost frames (a frame-pointer walk of a few frames: every
  // notification pays for it, and a whole stack cost a notification without waiters twice its time).
  std::uint64_t cv_last_notify_thread = 0;
  std::uintptr_t cv_last_notify_pcs[stack_prefix::max_frames] = {};
  std::uint32_t cv_last_notify_frames = 0;
  counter_state counter;                 // semaphores, latches, barriers
  // Function-local static guards (__cxa_guard_*): idle, running or done (condvar.cpp), read and
  // changed with atomics outside mtx; and the initializing thread's pthread_t while running.
  std::uint32_t guard_state = 0;
  std::uintptr_t guard_initializer = 0;
  vector_clock read_clock;               // released by reader unlocks (rwlock)
  vector_clock arrivals;                 // barrier: the current phase's arrivals, published into clock
};

// Finds the record for `addr`, creating it (with `kind`) when absent. Never returns null for addr != 0.
sync_var *sync_get_or_create(std::uintptr_t addr, sync_kind kind) noexcept;
// Finds the record for `addr` or returns null.
sync_var *sync_find(std::uintptr_t addr) noexcept;
// Calls fn(addr) for the address of every record in [lo, hi), outside the table's locks (fn may
// remove it). A bucket walk per 8 bytes, not a lookup per address: freed memory full of atomics (a
// skip list's arena) is scanned a page at a time.
void sync_for_each_in_range(std::uintptr_t lo, std::uintptr_t hi, void (*fn)(std::uintptr_t addr)) noexcept;
// Unlinks and recycles the record (after pthread_*_destroy). The caller must not hold its mtx.
void sync_remove(std::uintptr_t addr) noexcept;
// How many times a record somebody held was forgotten (destroy, re-init, free of its memory). A
// thread's held set may then name an object that no longer exists; each thread drops such entries
// itself at its next lock event (only the owner writes its held set), see drop_forgotten_held.
extern std::atomic<std::uint32_t> g_held_forgets;
// How many records are live (tests and memory-bound checks).
std::size_t sync_live_count() noexcept;
// forget.cpp: forgets the record at addr the way destroy does, without a report (its memory is
// being freed): also its lock id and its place in the lock-order graph.
void sync_forget(std::uintptr_t addr) noexcept;
// forget.cpp: the record of a new object of `kind` at addr (an init event): an earlier object's record there is
// forgotten (memory reuse), but a name given before the first event (a record of kind unknown holds
// nothing else) is kept. Counting objects get a fresh, known counter_state holding `count`.
sync_var *sync_renew(std::uintptr_t addr, sync_kind kind, std::int64_t count) noexcept;

// Freed heap memory: the runtime forgets sync records and shadow in it, so a later object at the
// same address starts clean (no stale owner, no false race against the previous object's accesses).
constexpr std::uint8_t page_has_sync = 1, page_has_shadow = 2;
void note_state_page(std::uintptr_t addr, std::uint8_t flag) noexcept;
// Calls fn for the part [from, to) of each page of [lo, lo + size) that holds state (flags != 0).
// `clear`: flags taken off the pages wholly inside the range before fn runs, for a caller that
// forgets that state: a record created meanwhile marks its page again.
void for_each_state_page(std::uintptr_t lo, std::size_t size,
                         void (*fn)(std::uintptr_t from, std::uintptr_t to, std::uint8_t flags),
                         std::uint8_t clear = 0) noexcept;
// forget.cpp: forgets every sync record and shadow cell in [addr, addr + size) (the instrumented
// shadow's too, unless `instrumented_shadow` is false: instrumented_free forgot it already).
void forget_heap_range(std::uintptr_t addr, std::size_t size, bool instrumented_shadow = true) noexcept;

// ---------------------------------------------------------------------------------------------------
// Threads.

constexpr std::uint32_t max_threads = 16384;  // simultaneously live; slots are reused after join
constexpr std::uint32_t max_held = 64;        // locks one thread holds at once that we track

struct held_lock {
  sync_var *sync;
  std::uintptr_t addr;
  std::uint32_t lock_id;     // 0 until the lock-order detector needed it
  std::uint32_t stack;       // depot id of the whole acquisition stack, 0 until something needed it
  bool shared;               // held in shared (reader) mode
  std::uint32_t reentries;   // further read locks of the same rwlock this thread holds (shared only)
  std::uint32_t generation;  // sync->generation at the acquisition
  // The lock-order graph has the edge from the entry just below this one to this one (a blocking
  // acquisition, the two adjacent ever since): a later acquisition needs no edge from the locks below
  // (deadlock_on_acquire). False for try/timed/wait acquisitions and once an entry between was released.
  bool linked;
  stack_prefix where;        // the acquisition's innermost frames, its call site first (see held_stack)
};

enum class thread_status : std::uint8_t { free, running, finished };

// What a blocked thread waits for (thread_state::blocked_kind): the wait-for graph's edge out of it
// and the words of a deadlock report follow from it (deadlock/wait_kind.hpp's table).
using deadlock::wait_kind;

struct access_trace;  // trace.hpp

// thread_state::lockset while the held set has changed since it was last interned: never an interned
// id (shadow.cpp), nor what a trace starts from (~0, trace.cpp), so that the pair (own_epoch, lockset)
// differs from any trace's at once (trace_simple_access).
constexpr std::uint32_t lockset_stale = 0xFFFFFFFEu;

// Shadow ids (see shadow_id_table below): ids 1..255; 0: none (the thread's accesses are checked, not recorded).
constexpr std::uint32_t shadow_id_count = 256;

struct thread_state {
  std::uint32_t tid = 0;               // slot index, also this thread's vector-clock component
  // (shadow id, relative epoch) as the instrumented shadow's slots hold them (0: no id), and the epoch
  // itself, kept by note_own_clock: one load for the access path instead of the clock's three.
  std::uint32_t own_epoch_bits = 0;
  std::uint32_t own_epoch = 0;
  // The interned id of the held set, or lockset_stale when it changed since (interned again at the
  // next access that needs it). Right after own_epoch: the access path compares the two with its
  // trace's pair as one word (trace.hpp).
  std::uint32_t lockset = lockset_stale;
  std::uint32_t sid = 0;               // the shadow id held (shadow_ids.cpp), 0: none
  std::uint32_t sid_base = 0;          // the epoch before the id's first
  std::uint32_t prev_sid = 0;          // the id held before, kept until the next renewal (shadow_ids.cpp)
  std::uint32_t sid_covered_generation = 0;  // of sid_covered (below)
  // The thread's last access to part of a granule that took its own slot in the common step
  // (instrumented.cpp, common_miss): the granule, that slot, the slot's bits but the bytes (id, epoch,
  // kind), and the granule's slots as the step found them. A signal handler's access between these
  // stores can leave them naming two accesses: the next test then fails, or at worst misses a race.
  void *joined_granule = nullptr;
  std::uint32_t joined_key = 0;
  std::uint32_t joined_slot = 0;
  alignas(16) std::uint32_t joined_slots[4] = {};  // (one vector; internal_alloc aligns to the size class)
  std::uint64_t unique_id = 0;         // never reused: what reports call the thread (0 = main)
  int in_rt = 0;                       // rule 3: >0 while inside the runtime on this thread
  // dynamic_annotations.cpp: AnnotateIgnoreReads/WritesBegin nesting; instrumented accesses of the
  // kind are not checked while above 0. (Next to in_rt: every instrumented access reads them.)
  int ignore_reads = 0;
  int ignore_writes = 0;
  bool ignore_accesses = false;        // detect_races=0: annotations are dropped at once
  // Inside an annotated custom mutex's own code (dynamic_annotations.cpp): its atomics order nothing.
  int ignore_sync = 0;
  // AnnotateIgnoreSyncBegin/End nesting (dynamic_annotations.cpp): while above 0, the thread's
  // synchronization (locks, condition variables, semaphores, atomics, fences) orders nothing.
  int ignore_sync_annotated = 0;
  stack_bounds stack;                  // this thread's stack for frame-pointer walks, 0s = unknown
  vector_clock clock;                  // clock[tid] is this thread's current epoch
  std::uint32_t nheld = 0;
  std::uint32_t held_overflow = 0;     // acquisitions beyond max_held (not tracked, counted)
  std::uint32_t held_forgets_seen = 0; // g_held_forgets when the held set was last checked
  std::uint64_t held_hash = 0;         // lockset_hash of held[0..nheld), kept by push/remove (mutex.cpp)
  // Recently interned held sets: (hash of the held addresses, id), so re-taking the same locks
  // does not go back to the depot.
  std::uint64_t lockset_cache_key[16] = {};
  std::uint32_t lockset_cache_id[16] = {};
  bool async_cancel = false;           // asynchronous cancellation enabled (interpose.cpp defers it)
  // mutex.cpp: the records of recently locked objects, direct-mapped by address, so a lock skips the
  // sync table. A hit is used only while the record still carries that address (as held_lock::sync).
  struct sync_cache_entry {
    std::uintptr_t addr;
    sync_var *sync;
  };
  static constexpr unsigned sync_cache_size = 8;
  sync_cache_entry sync_cache[sync_cache_size] = {};
  std::uint64_t edge_cache_gen = 0;    // lock-order generation edge_cache was filled in
  // Identity and lifetime (written by the registry under its lock).
  pthread_t handle{};
  std::atomic<thread_status> status{thread_status::free};
  bool detached = false;
  bool joined_by_someone = false;
  // fibers.cpp: made by __tsan_create_fiber. A fiber has no OS thread of its own (no handle, never
  // joined): whichever thread switches to it runs it (t_cur), and destroying it gives its slot back.
  bool fiber = false;
  char name[64] = {};
  std::uint32_t created_stack = 0;
  std::uint64_t parent_unique_id = 0;
  // Blocking (deadlock detection); written by the owner thread, read by checkers under the wfg lock.
  std::atomic<std::uintptr_t> blocked_on{0};
  std::atomic<std::uint64_t> block_seq{0};
  wait_kind blocked_kind = wait_kind::none;
  std::uint32_t blocked_stack = 0;
  std::uint32_t blocked_target_tid = 0; // join: the joined thread's tid+1
  // Kinds 6-9: the futex word the drop-in type sleeps on and the value it slept at (kind 9: the
  // condition variable's sync_var::cv_signals). Once the word has moved the wait may be over (the
  // thread may be about to return, or busy in the deadlock check itself), so the thread no longer
  // counts as stuck.
  const volatile std::uint32_t *blocked_word = nullptr;
  std::uint32_t blocked_expected = 0;
  bool wfg_registered = false;         // in the deadlock detector's list of long-blocked threads
  // An untimed condition-variable wait in progress: 0 none, 1 waiting (the blocked_* fields above
  // describe it, published by this store), 2 also registered in the wait-for graph by the watchdog.
  // The waiter is asleep in the real wait and cannot check anything itself; publishing costs it a
  // few plain stores, and only the watchdog thread registers it, once every thread looks stuck.
  std::atomic<std::uint8_t> cv_wait{0};
  std::uintptr_t cv_wait_mutex = 0;    // the mutex of that wait (reports)
  // coro.cpp: the resume entries running on this thread (each a loop, see resume_entry), the frame a
  // coroutine handed on by symmetric transfer to the innermost one, and this thread's count of
  // activations (with unique_id, an activation's identity).
  // instrumented.cpp: fences. The clock at this thread's last release fence (its relaxed stores
  // publish it), and the clocks its relaxed loads found (its next acquire fence joins them).
  bool fence_released = false;
  vector_clock fence_clock;
  vector_clock fence_pending;
  std::uint32_t coro_trampolines = 0;
  void *coro_pending = nullptr;
  std::uint64_t coro_activations = 0;
  // trace.cpp: the slot's trace of instrumented events, created at the first instrumented event and
  // kept for the next threads of the slot (reports replay it to restore an earlier access). A new
  // thread in the slot finds it in idle_trace and takes it over at its own first instrumented event.
  access_trace *trace = nullptr;
  access_trace *idle_trace = nullptr;
  // The large arrays come last and have no initializers: a record is built once per slot, on
  // zeroed memory from internal_alloc (default-initialized, see alloc_slot_locked), so the pages of
  // them a thread never uses stay untouched (issue 8: 10,000 threads that each lock one mutex).
  // Each is read only where written (held below nheld) or where zero means empty (the caches).
  // The caches every annotated access uses first, then the held set (deeper entries are rarely
  // used), the lock-order cache (nested locking only) last.
  // Recent access stacks, by stack_hash -> depot id (fp_stack_id): a repeated stack skips the depot.
  std::uint64_t stack_cache_key[64];
  std::uint32_t stack_cache_id[64];
  // shadow.cpp: the shadow cells of recently accessed granules, direct-mapped by granule address, so
  // an access usually skips the shared table. Only a hint: cells are recycled, never unmapped, and
  // every hit is re-checked under the cell's lock.
  struct shadow_cache_entry {
    std::uintptr_t granule;
    void *cell;
  };
  static constexpr unsigned shadow_cache_size = 64;  // 1 KiB per thread
  shadow_cache_entry shadow_cache[shadow_cache_size];
  held_lock held[max_held];
  // Lock-order edge cache: (from,to,gates) hashes this thread already gave to the graph.
  std::uint64_t edge_cache[256];  // cleared on first use (edge_cache_gen)
  // The instrumented shadow's ordered_before, remembered (instrumented_shadow.hpp): for each shadow id,
  // the relative epoch up to which this thread's clock was seen to cover its owner's accesses, in
  // shadow generation sid_covered_generation (ids change hands only at a reset, which moves it on). A
  // thread's clock only grows (a reused slot starts over: thread_registry.cpp), so an entry that has
  // fallen behind costs a lookup, never a wrong answer.
  std::uint32_t sid_covered[shadow_id_count];
  // The records of atomic locations this thread used lately, by address (instrumented.cpp's
  // atomic_op): a skip list's upper levels, a queue's head and tail. Each is checked against its
  // `addr` before use (records are recycled, never freed), so one that was forgotten or reused is
  // looked up again; a hit spares the table's bucket, a cache miss of its own.
  static constexpr std::size_t atomic_record_cache_size = 512;
  sync_var *atomic_records[atomic_record_cache_size];
};

// thread_registry.cpp. The calling thread's state: its own, or that of the fiber it runs (set by
// __tsan_switch_to_fiber, fibers.cpp). initial-exec TLS (set for the whole library in CMake): one
// %fs-relative load, no __tls_get_addr call on the hot path.
extern __thread thread_state *t_cur;
thread_state *register_current_slow() noexcept;
// The calling thread's state, creating it on first use (threads we did not create, the main thread).
// Returns null only when the runtime cannot track this thread (slots exhausted).
inline thread_state *cur_thread() noexcept {
  thread_state *t = t_cur;
  if (__builtin_expect(t != nullptr, 1)) return t;
  return register_current_slow();
}
// The calling thread's state if it exists, without creating it.
inline thread_state *cur_thread_if_any() noexcept { return t_cur; }
// Thread by slot (tests, reports, deadlock detection). Null when the slot was never used.
thread_state *thread_by_tid(std::uint32_t tid) noexcept;
// The report view of a thread (name, creation stack).
report_thread describe_thread(const thread_state &t);
// The same for a thread known by its unique id, live or finished (its slot may serve another
// thread by now); the id alone when it finished too long ago to be remembered.
report_thread describe_thread_by_unique_id(std::uint64_t unique_id);
// Sets the calling thread's name (pthread_setname_np, lockstep::thread).
void set_thread_name(thread_state *thr, const char *name) noexcept;
// The registry's side of the thread lifecycle (thread.cpp drives it): a slot for a new thread (null
// when every slot is live), giving a slot back, binding the calling thread to its record (and to the
// exit key once thread.cpp created it), and a thread's finish or detach: each returns whether the
// slot can be given back now (finished and detached).
thread_state *registry_new_thread() noexcept;
void registry_free_slot(thread_state *t) noexcept;
void registry_bind_current(thread_state *t) noexcept;
void registry_set_exit_key(pthread_key_t key) noexcept;
bool registry_mark_finished(thread_state *t) noexcept;
bool registry_mark_detached(thread_state *t) noexcept;
// fork(): the registry's lock is taken across it; the child frees every slot but those of the
// forking thread (its own, and the fiber it runs) and the fibers (memory the child still holds).
void registry_fork_lock() noexcept;
void registry_fork_unlock() noexcept;
void registry_after_fork_child(thread_state *self) noexcept;
// Then, with the fork's locks released, the child's thread acquires every freed slot's epoch.
void registry_acquire_vanished(thread_state *self) noexcept;

// RAII for rule 3.
class rt_scope {
public:
  explicit rt_scope(thread_state *t) noexcept : t_(t) { ++t_->in_rt; }
  ~rt_scope() { --t_->in_rt; }
  rt_scope(const rt_scope &) = delete;
  rt_scope &operator=(const rt_scope &) = delete;

private:
  thread_state *t_;
};

// Vector-clock verbs between a thread and a sync object's clock (the caller holds sync->mtx).
// (Not while the thread ignores synchronization: AnnotateIgnoreSyncBegin.)
//
// A clock's release mark (clocks.hpp: exactly what thread r had at the end of its epoch e) lets a
// thread see without the clock that it covers it: its own clock has r's entry at e or beyond. Sound
// because every release moves its thread to a new epoch (tick_own), so whoever learned r's epoch e
// learned it from r's clock at the end of e or later, which includes that clock (clocks only grow).
// Two ways to learn an epoch of r without r's clock are excluded by g_release_floor[r], the lowest
// epoch of r a mark may name: a reused thread slot (the new occupant's epochs start above the old
// one's: a thread that learned one of the new occupant's epochs knows nothing of the old one's
// clock), and a fork child that took the epochs of the threads that vanished (thread_registry.cpp).
// (Raised before the slot's new occupant runs, so a thread that learned its epochs reads it raised.)
inline std::atomic<std::uint32_t> g_release_floor[max_threads];
inline bool covers_release(const thread_state *t, std::uint64_t release_word) noexcept {
  vector_clock::release_mark m;
  return vector_clock::unpack_release(release_word, m) && m.tid < max_threads && t->clock.get(m.tid) >= m.epoch &&
         m.epoch >= g_release_floor[m.tid].load(std::memory_order_acquire);
}
inline void acquire(thread_state *t, const vector_clock &c) noexcept {
  if (t->ignore_sync_annotated <= 0 && !covers_release(t, c.release_word())) t->clock.join(c);
}
// Shadow ids (shadow_ids.cpp). A slot of the instrumented shadow (instrumented_shadow.hpp) is 32 bits, so
// it cannot name a thread slot and a 32-bit epoch: it holds a shadow id (8 bits) and an epoch relative to
// that id's base (14 bits). A thread holds one id at a time; id i stands for (owner[i] >> 32 = the thread
// slot, (uint32)owner[i] + relative epoch = the epoch). When a thread's epoch leaves its id's range it
// takes a new id (the old one is retired: slots may still name it); when no id is free, the retired
// ones are freed at a reset, which empties the whole instrumented shadow first (so that no slot names
// a freed id: a reset forgets history, a miss at worst). `generation` is odd while a reset runs and
// moves on at its start and end: a race found in slots read in another generation than the one it is
// reported in may have read an id's owner after the id changed hands, and is dropped.
constexpr unsigned shadow_slot_sid_shift = 10, shadow_slot_epoch_shift = 18;
constexpr std::uint32_t shadow_epochs_per_id = (1u << (32 - shadow_slot_epoch_shift)) - 1;  // relative epochs 1..this
struct shadow_id_table {
  std::atomic<std::uint64_t> owner[shadow_id_count];
  std::atomic<std::uint32_t> generation;
  // Lowered by the options when they are read (rtl.cpp), before the first thread's slot is taken.
  std::atomic<std::uint32_t> epochs_per_id{shadow_epochs_per_id};
  std::atomic<std::uint32_t> ids_in_use{shadow_id_count - 1};
  std::atomic<void *> blocks;                // the instrumented shadow's blocks, a list (instrumented_shadow.hpp)
};
constinit inline shadow_id_table g_shadow_ids;  // constant-initialized: usable before constructors run
// The thread's next id (it has none, or its epoch left its id's range); none when every id is held.
void renew_shadow_id(thread_state *t) noexcept;
// The thread's ids are retired (the thread is gone). Under the registry's lock; `fork_child`: in the
// fork child, under the fork's locks (shadow_ids_fork_lock among them).
void retire_shadow_id(thread_state *t, bool fork_child = false) noexcept;
void shadow_ids_fork_lock() noexcept;  // taken after the registry's lock (renewals happen under it)
void shadow_ids_fork_unlock() noexcept;
// Copies the thread's own component where the access path reads it (after every change of it).
inline void note_own_clock(thread_state *t) noexcept {
  const std::uint32_t own = t->clock.get(t->tid);
  if (__builtin_expect(t->sid == 0 || own - t->sid_base > g_shadow_ids.epochs_per_id.load(std::memory_order_relaxed), 0))
    renew_shadow_id(t);
  t->own_epoch = own;
  t->own_epoch_bits = t->sid == 0 ? 0
                                  : (t->sid << shadow_slot_sid_shift) | ((own - t->sid_base) << shadow_slot_epoch_shift);
}
// Advances the thread's own component (after a release: its later events are not covered by what it
// released). The one way to change it once the thread runs.
inline void tick_own(thread_state *t) noexcept {
  t->clock.tick(t->tid);
  note_own_clock(t);
}
// `covered`: the thread's clock is known to cover c (then the join leaves c exactly the thread's
// clock, and c is marked so).
inline void release(thread_state *t, vector_clock &c, bool covered) noexcept {
  if (t->ignore_sync_annotated > 0) return;
  c.join(t->clock);
  if (covered) c.note_release(t->tid, t->clock.get(t->tid));
  tick_own(t);
}
inline void release(thread_state *t, vector_clock &c) noexcept { release(t, c, covers_release(t, c.release_word())); }
inline void release_store(thread_state *t, vector_clock &c) noexcept {
  if (t->ignore_sync_annotated > 0) return;
  c.assign(t->clock);
  c.note_release(t->tid, t->clock.get(t->tid));
  tick_own(t);
}

// ---------------------------------------------------------------------------------------------------
// Events (one file per concern implements them).

// thread.cpp: creation and join bookkeeping used by interpose.cpp.
// A slot for a thread or fiber `parent` creates, which starts knowing everything the parent did so
// far (the parent moves to a new epoch); `created_stack` is where (depot id). Null when every slot
// is live.
thread_state *thread_new_child(thread_state *parent, std::uint32_t created_stack) noexcept;
struct thread_start_info;
thread_start_info *thread_before_create(thread_state *parent, bool detached) noexcept;
void thread_create_failed(thread_start_info *info) noexcept;
thread_state *thread_child(thread_start_info *info) noexcept;
void thread_after_create(thread_state *child, pthread_t handle) noexcept;
void set_start_routine(thread_start_info *info, void *(*fn)(void *), void *arg, const sigset_t &mask) noexcept;
void *thread_trampoline(void *arg);  // the start routine handed to the real pthread_create
void thread_finish(thread_state *thr) noexcept;
// Looks up the live thread for a pthread_t; null if unknown (e.g. created before we loaded).
thread_state *thread_by_handle(pthread_t h) noexcept;
// A join in progress: the record is claimed so a new thread that gets the same pthread_t is found
// instead of it; unclaim when the join failed (tryjoin/timedjoin).
thread_state *thread_claim_for_join(pthread_t h) noexcept;
void thread_unclaim(thread_state *t) noexcept;
void thread_after_join(thread_state *joiner, thread_state *joined) noexcept;
void thread_after_detach(thread_state *t) noexcept;

// objects.cpp: what reports say about sync objects and held locks, and the lock ids of the graphs.
// The held-set entry of `addr` in thr, or null. Inline: every unlock looks its entry up.
inline held_lock *find_held(thread_state *thr, std::uintptr_t addr) noexcept {
  for (std::uint32_t i = thr->nheld; i-- > 0;)  // most recent first: unlocks are usually LIFO
    if (thr->held[i].addr == addr) return &thr->held[i];
  return nullptr;
}
// Lock ids: dense, reused after destroy; the address and name each stands for (for reports).
std::uintptr_t lock_id_address(std::uint32_t id) noexcept;
// Gives the record a dense id for the graphs (caller holds s->mtx).
std::uint32_t ensure_lock_id(sync_var *s) noexcept;
// Gives a forgotten object's lock id back for reuse (after the graphs forgot it).
void release_lock_id(std::uint32_t id) noexcept;
// The acquisition stack of a lock `owner` holds: completed and interned the first time the owner
// itself asks (its outer frames are then still live), the recorded innermost frames otherwise.
stack_trace held_stack(thread_state *owner, held_lock &h) noexcept;
std::uint32_t held_stack_id(thread_state *owner, held_lock &h) noexcept;
// Every lock `owner` holds (from its held-set entry `from` on), described for a report event
// ("mutex M3 'queue' at 0x...", where acquired).
std::vector<report_lock> held_locks_of(thread_state *owner, std::uint32_t from = 0);
std::string describe_sync(std::uintptr_t addr, const char *name, std::uint32_t lock_id, sync_kind kind);
std::string describe_sync(std::uintptr_t addr);  // looks the object up
report_object describe_object(std::uintptr_t addr);  // the object a report is about
// A misuse report about one sync object by the calling thread: "<what> <object>", and
// when other_tid1 is set the other thread's event (`other_what`, with its stack).
void misuse_report(thread_state *thr, std::string_view kind, std::uintptr_t addr, const std::string &what,
                   std::uint32_t other_tid1, const stack_trace &other_stack, const char *other_what);

// mutex.cpp: exclusive and shared locks (pthread mutexes, rwlocks and the drop-in types).
struct lock_flags {
  bool recursive = false;
  bool errorcheck = false;
  bool is_rwlock = false;
  bool is_spin = false;  // pthread_spinlock_t: an exclusive lock with the semantics of a normal mutex
  bool robust = false;   // robust mutex: its owner's death hands it to the next locker (EOWNERDEAD)
};
enum class acquire_mode : std::uint8_t { blocking, try_, timed };
// Before an acquisition: reports double-lock when the owner re-locks a non-recursive mutex (and
// exits when the real call would hang for ever); returns the record to pass to post_lock.
sync_var *mutex_pre_lock(thread_state *thr, std::uintptr_t addr, lock_flags f, bool shared, acquire_mode mode,
                         std::uintptr_t pc) noexcept;
// After a successful acquisition: happens-before, ownership, held set, lock-order edges.
void mutex_post_lock(thread_state *thr, sync_var *s, std::uintptr_t addr, bool shared, acquire_mode mode,
                     std::uintptr_t pc) noexcept;
// What an unlock by a thread that is not the recorded owner changes once the real call succeeded
// (glibc refuses some of them: EPERM for error-checking, recursive and robust mutexes).
struct unlock_effect {
  enum : std::uint8_t { none, clear_owner, drop_reader } what = none;
  std::uint32_t owner = 0;  // clear_owner: the owner (tid+1) the runtime saw
};
// Before the real unlock: misuse checks (unlock-not-locked, unlock-not-owner) and the owner's
// release; returns what mutex_post_unlock must apply if the real call succeeds.
unlock_effect mutex_pre_unlock(thread_state *thr, std::uintptr_t addr, lock_flags f, std::uintptr_t pc) noexcept;
void mutex_post_unlock(thread_state *thr, std::uintptr_t addr, unlock_effect effect, int result) noexcept;
void mutex_init(thread_state *thr, std::uintptr_t addr, lock_flags f) noexcept;
// Before the real destroy: destroy-locked-mutex. After it: the record and every held-set entry are
// forgotten only when the real call succeeded (glibc refuses a locked mutex with EBUSY, and it
// stays locked and usable).
void mutex_pre_destroy(thread_state *thr, std::uintptr_t addr, std::uintptr_t pc) noexcept;
void mutex_post_destroy(thread_state *thr, std::uintptr_t addr, int result) noexcept;
// A thread ends holding robust mutexes: glibc marks them owner-dead and the next lock returns
// EOWNERDEAD with the mutex. Everything the dead owner did happens before that acquisition, so its
// exit releases them (called from thread_finish, before the finish clock is taken).
void mutex_thread_exit(thread_state *thr) noexcept;
// A coroutine suspends holding locks its activation took (coro.cpp): the held-set entries above
// `from` move out of thr's held set into `out` (innermost first, at most `cap`), and the exclusive
// ones lose their owner; mutex_take_over gives them to the thread that resumes the coroutine, so its
// unlock there is the owner's (the misuse was reported once, at the suspension).
std::uint32_t mutex_hand_over(thread_state *thr, std::uint32_t from, held_lock *out, std::uint32_t cap) noexcept;
void mutex_take_over(thread_state *thr, const held_lock *locks, std::uint32_t n) noexcept;
// Condition-variable waits drop and retake the mutex inside the real call.
void mutex_wait_release(thread_state *thr, sync_var *m) noexcept;
void mutex_wait_reacquire(thread_state *thr, sync_var *m, std::uintptr_t pc) noexcept;
// Drops the entries of thr's held set whose object was forgotten since they were made (a mutex
// re-initialised or freed while held): without this, locking a new mutex at the same address
// would look like a relock. One relaxed load when nothing was forgotten.
void drop_forgotten_held_slow(thread_state *thr, std::uint32_t forgets) noexcept;
inline void drop_forgotten_held(thread_state *thr) noexcept {
  if (__builtin_expect(thr->nheld == 0, 1)) return;
  const std::uint32_t n = g_held_forgets.load(std::memory_order_acquire);
  if (__builtin_expect(n != thr->held_forgets_seen, 0)) drop_forgotten_held_slow(thr, n);
}

// condvar.cpp
// Before the real wait: returns the mutex record (null if the mutex is not held: cv-wait-without-lock).
// `watched`: an untimed wait that only a notification can end (not a process-shared condition
// variable): it is published for the deadlock watchdog (thread_state::cv_wait).
sync_var *cond_pre_wait(thread_state *thr, std::uintptr_t cv, std::uintptr_t mutex, std::uintptr_t pc,
                        bool watched) noexcept;
void cond_post_wait(thread_state *thr, std::uintptr_t cv, sync_var *m, std::uintptr_t pc) noexcept;
// Before the real signal/broadcast (happens-before); returns the record to pass to cond_signal_done
// after the real call has returned (the count an untimed waiter watches).
sync_var *cond_signal(thread_state *thr, std::uintptr_t cv, std::uintptr_t pc) noexcept;
// Only a notification that may have woken a waiter needs counting: one that could wake a waiter W
// began after W's real wait did, so after W counted itself in cv_waiters (under the record's lock,
// before its real wait, which glibc orders before the notification with its own atomics), and W
// stays counted until it returns; a notification that finds no waiter then costs one load, not an
// atomic add.
inline void cond_signal_done(sync_var *c) noexcept {
  if (c && __atomic_load_n(&c->cv_waiters, __ATOMIC_ACQUIRE) != 0) __atomic_fetch_add(&c->cv_signals, 1, __ATOMIC_RELEASE);
}
void cond_destroy(thread_state *thr, std::uintptr_t cv) noexcept;

// Semaphores, latches and barriers are forgotten (destroy, memory reuse) with sync_forget.
// semaphore.cpp: counting semaphores (sem_t, the drop-in counting_semaphore and binary_semaphore).
// Release before the permits become visible, acquire after a permit was taken (rtl rule: the caller
// is inside an rt_scope).
void semaphore_init(thread_state *thr, std::uintptr_t addr, std::int64_t count, std::int64_t max) noexcept;
// n permits released; max > 0: semaphore-over-release when the runtime's count passes it.
void semaphore_release(thread_state *thr, std::uintptr_t addr, std::int64_t n, std::int64_t max) noexcept;
// The real release was refused because it would pass the maximum (sem_post: EOVERFLOW): the count
// is taken back and semaphore-over-release reported. `overflow` false: refused for another reason
// (EINVAL): the count is taken back silently.
void semaphore_release_failed(thread_state *thr, std::uintptr_t addr, std::int64_t n, std::int64_t max,
                              bool overflow) noexcept;
// A permit was taken (by a blocking, try or timed acquisition that succeeded).
void semaphore_acquire(thread_state *thr, std::uintptr_t addr) noexcept;

// barrier.cpp: latches and barriers (the drop-in latch and barrier, pthread_barrier_t).
void latch_init(thread_state *thr, std::uintptr_t addr, std::int64_t count) noexcept;
// Before the count-down becomes visible; latch-underflow when it takes the count below zero.
void latch_count_down(thread_state *thr, std::uintptr_t addr, std::int64_t n) noexcept;
void latch_wait(thread_state *thr, std::uintptr_t addr) noexcept;  // a wait saw the count at zero
void barrier_init(thread_state *thr, std::uintptr_t addr, std::int64_t expected) noexcept;
// Before the arrival becomes visible; `drop`: arrive_and_drop. barrier-overflow for an arrival past
// the phase's count, a drop past the participants, or an arrival from inside the completion function.
// The arrival that completes the phase publishes the phase's arrivals to every departure.
void barrier_arrive(thread_state *thr, std::uintptr_t addr, std::int64_t n, bool drop) noexcept;
// Around the completion function of the phase the calling thread completed.
void barrier_completion_begin(thread_state *thr, std::uintptr_t addr) noexcept;
void barrier_completion_end(thread_state *thr, std::uintptr_t addr) noexcept;
void barrier_depart(thread_state *thr, std::uintptr_t addr) noexcept;  // a wait for a phase returned

inline std::uintptr_t addr_of(const volatile void *p) noexcept { return reinterpret_cast<std::uintptr_t>(p); }
// In an entry point of the runtime (an interposed or instrumentation function): where the program
// called it.
#define LOCKSTEP_CALLER_PC ::lockstep::rt::addr_of(__builtin_return_address(0))

// The calling thread when its events are to be tracked (not inside the runtime); null otherwise.
inline thread_state *tracked_thread() noexcept {
  thread_state *t = cur_thread();
  return (t && t->in_rt == 0) ? t : nullptr;
}
// Runs one event of the C event API for the calling thread, inside the runtime (rule 3), unless the
// thread is untracked or already inside it.
template <class Event> inline void tracked_event(Event event) noexcept {
  if (thread_state *thr = tracked_thread()) {
    rt_scope sc(thr);
    event(thr);
  }
}

// coro.cpp: tracked coroutines (lockstep::tracked_promise). A frame begins (its promise is being
// constructed; the compiler's resume and destroy entries are set): the runtime takes over both
// entries. A suspension through a wrapped awaiter, before it can hand the coroutine on: happens-before
// to the resumption, coro-lock-across-suspend for the locks its activation holds. Frame memory comes
// from coro_frame_alloc and goes to a quarantine (coro_frame_free) so stale handles are reported.
void coro_begin(thread_state *thr, std::uintptr_t frame, std::uintptr_t pc, unsigned flags) noexcept;
void coro_suspend(thread_state *thr, std::uintptr_t frame, std::uintptr_t pc) noexcept;
void *coro_frame_alloc(std::size_t size) noexcept;
void coro_frame_free(void *frame, std::size_t size) noexcept;

// Happens-before through an address (condvar.cpp): a release into its record's clock (created with
// `kind` if new) happens before every later acquire from it. Once-style idioms (pthread_once,
// __cxa_guard_*: completion before every later check), the dynamic annotations, pipes and sockets.
void address_release(thread_state *thr, std::uintptr_t addr, sync_kind kind) noexcept;
void address_acquire(thread_state *thr, std::uintptr_t addr) noexcept;
// The Itanium C++ ABI guard protocol for function-local statics, run on our own table (see
// interpose.cpp). `thr` may be null or inside the runtime: the protocol still runs, untracked.
int guard_acquire(thread_state *thr, std::uintptr_t guard) noexcept;
void guard_release(thread_state *thr, std::uintptr_t guard) noexcept;
void guard_abort(std::uintptr_t guard) noexcept;

// deadlock.cpp
// Lock-order edges from the held locks to `s` (called after a blocking acquisition, s->mtx not held):
// from the innermost one, and from each deeper one that does not reach it through linked entries
// (see held_lock::linked). True when the edge from the innermost held lock is in the graph.
bool deadlock_on_acquire(thread_state *thr, sync_var *s, std::uintptr_t addr, std::uint32_t lock_id) noexcept;
void deadlock_on_destroy(std::uint32_t lock_id) noexcept;
// A thread that stayed blocked for deadlock_check_ms: registers the wait and looks for a cycle;
// reports and exits when one is confirmed. `kind` as thread_state::blocked_kind.
void deadlock_on_long_block(thread_state *thr, std::uintptr_t what, wait_kind kind,
                            std::uint32_t target_tid) noexcept;
void deadlock_on_unblock(thread_state *thr) noexcept;
// An untimed condition-variable wait the helper thread registered (thread_state::cv_wait was 2) is
// over: unregisters it, reading wfg_registered under the lock the helper set it under.
void deadlock_on_cv_wait_end(thread_state *thr) noexcept;
// Milliseconds a blocking call waits before the wait-for check (0: detection off).
int deadlock_check_interval_ms() noexcept;
// The watchdog's periodic check of untimed condition-variable waits (their threads sleep in the real
// wait and cannot check themselves): when every running thread is stuck in a watched wait, the
// waiters are registered in the wait-for graph and checked like any long wait; reports and exits on
// a confirmed deadlock. Called without any runtime lock held, from a thread the runtime does not track.
void deadlock_watch_tick() noexcept;
// The kernel thread id of the runtime's own helper thread, which is no thread of the program (see
// the count of unseen threads in deadlock.cpp).
void deadlock_set_helper_tid(int kernel_tid) noexcept;

// watchdog.cpp: the runtime's one helper thread, started on the first untimed condition-variable
// wait (again in a forked child), which calls deadlock_watch_tick every deadlock_check_ms.
void watchdog_start() noexcept;
// thread_registry.cpp: set on the runtime's helper thread, which is never registered as a thread of the
// program (register_current_slow returns null: its interposed calls are forwarded untracked).
extern __thread bool t_runtime_helper;

// shadow.cpp: annotated memory accesses. The caller checked thr->in_rt; shadow_access sets it
// while it works.
void shadow_access(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write,
                   const ::lockstep_source_site *site, std::uintptr_t pc) noexcept;
// Forgets the shadow of a memory range (freed or re-used memory), and that races there were benign.
void shadow_reset(std::uintptr_t addr, std::size_t size) noexcept;
// No race is reported on the range from now on (AnnotateBenignRaceSized), until it is reset. Up to
// 4,096 ranges are remembered.
void shadow_benign_range(std::uintptr_t addr, std::size_t size) noexcept;
std::size_t shadow_cell_count() noexcept;
// One side of a data race, as its report shows it.
struct race_side {
  std::uint64_t thread = 0;  // unique id
  bool write = false, atomic = false;
  std::size_t size = 0;
  const ::lockstep_source_site *site = nullptr;
  std::uintptr_t pc = 0;     // the access's call site (with the site, what repeats are recognized by)
  stack_trace stack;
  std::vector<report_lock> locks;
  bool locks_known = true;
  std::string note;          // said after the event's description
};
// Reports a race on `byte` between the calling thread's access at [addr, addr + now.size) and an
// earlier one, unless the range is benign or the same pair of places was reported before.
void report_data_race(thread_state *thr, std::uintptr_t addr, std::uintptr_t byte, race_side &now,
                      race_side &prior);
// instrumented_shadow.cpp: the accesses of instrumented code (the compilers' -fsanitize=thread calls,
// and what the runtime checks for them: libc's memory functions, free). The caller checked in_rt and
// the ignore counters.
void instrumented_access(thread_state *thr, std::uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                         std::uintptr_t pc) noexcept;
// A free of [addr, addr + size) at pc, as a write of the whole block: reports an earlier access in it
// that the freeing thread does not cover, and forgets the block's instrumented shadow in the same pass
// (one walk over it, not two: a block read and freed per operation, leveldb's ReadBlock). Records
// nothing. False when the shadow is left to the caller's instrumented_shadow_reset: a block of
// free_forgotten_here_bytes or more (whose shadow pages that gives back), or one beyond the shadow.
constexpr std::size_t free_forgotten_here_bytes = 32 * 1024;
bool instrumented_free(thread_state *thr, std::uintptr_t addr, std::size_t size, std::uintptr_t pc) noexcept;
// Forgets the instrumented shadow of a range (freed, unmapped or re-used memory).
void instrumented_shadow_reset(std::uintptr_t addr, std::size_t size) noexcept;
// Marks (or unmarks) a fresh mapping that cannot be written: its accesses are reads only, never
// racing, and go unchecked until unmarked (made writable, unmapped or replaced: interpose.cpp).
void instrumented_mark_readonly(std::uintptr_t addr, std::size_t size, bool readonly) noexcept;
// Around fork: the lock of those marks (a child must not inherit it held by a thread that is gone).
void readonly_marks_fork_lock() noexcept;
void readonly_marks_fork_unlock() noexcept;
// The interned id of the thread's currently held locks (for race reports).
std::uint32_t current_lockset_slow(thread_state *thr) noexcept;
inline std::uint32_t current_lockset(thread_state *thr) noexcept {
  return __builtin_expect(thr->lockset != lockset_stale, 1) ? thr->lockset : current_lockset_slow(thr);
}
// The same for an access made outside the runtime (the interner's spinlock is taken inside it); the
// slow half interns the set once per critical section.
std::uint32_t access_lockset_slow(thread_state *thr) noexcept;
inline std::uint32_t access_lockset(thread_state *thr) noexcept {
  return __builtin_expect(thr->lockset != lockset_stale, 1) ? thr->lockset : access_lockset_slow(thr);
}
// The held set's hash, built one lock at a time (order matters): kept up to date in
// thread_state::held_hash so that finding a set again after lock/unlock costs no loop.
constexpr std::uint64_t lockset_hash_seed = 0x9E3779B97F4A7C15ull;
inline std::uint64_t lockset_hash_step(std::uint64_t h, const held_lock &l) noexcept {
  h ^= l.addr | (l.shared ? 1 : 0);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 29);
}
// The common refresh after a lock or unlock, inline: no locks held, or a set found in the
// thread's two-way lock-set cache (see current_lockset_slow). False when the set must be interned.
inline bool refresh_lockset_cached(thread_state *thr) noexcept {
  std::uint32_t id = 0;
  if (thr->nheld) {
    const std::uint64_t h = thr->held_hash | 1;
    const unsigned slot = static_cast<unsigned>(h >> 60), other = slot ^ 8;
    if (thr->lockset_cache_key[slot] == h)
      id = thr->lockset_cache_id[slot];
    else if (thr->lockset_cache_key[other] == h)
      id = thr->lockset_cache_id[other];
    else
      return false;
  }
  thr->lockset = id;
  return true;
}
// After a lock is added to or removed from the held set: interned again at the next access.
inline void note_held_set_changed(thread_state *thr) noexcept { thr->lockset = lockset_stale; }
std::vector<report_lock> lockset_locks(std::uint32_t lockset);

// fork(): every global spinlock is taken before the fork (in one order, the same in which the
// runtime nests them: graph/blocked/ids/dedup/registry, then tables, the clock-chunk pool and the
// allocator) and released after it in parent and child, so the child never inherits state another thread was
// changing. The child then frees the other threads' slots and releases every per-object spinlock
// (sync records, shadow cells): one another thread held at the instant of the fork would otherwise
// stay held for ever, and the child would spin on it (even on a free record or cell, which a
// lookup may lock for a moment, and which the child may take for a new object).
void tables_after_fork_child() noexcept;  // sync records (rtl.cpp)
void shadow_after_fork_child() noexcept;
void deadlock_fork_lock() noexcept;
void deadlock_fork_unlock(bool child) noexcept;
void lock_ids_fork_lock() noexcept;  // objects.cpp
void lock_ids_fork_unlock() noexcept;
void shadow_fork_lock() noexcept;
void shadow_fork_unlock() noexcept;
void tables_fork_lock() noexcept;  // sync records and pages (rtl.cpp)
void tables_fork_unlock() noexcept;
// instrumented_memory_functions.cpp. A module built with -fsanitize=thread started (__tsan_init):
// from now on libc's memory functions and free are checked as accesses.
void note_instrumented_module() noexcept;
bool instrumented_process() noexcept;
// The real function, after checking what it reads and writes as accesses made at `pc` (in a process
// with instrumented code, unless `pc` is the runtime's own).
void *checked_memcpy(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept;
void *checked_memmove(void *d, const void *s, std::size_t n, std::uintptr_t pc) noexcept;
void *checked_memset(void *d, int c, std::size_t n, std::uintptr_t pc) noexcept;
// What a system call read from (`is_write` false: write, send) or wrote to (read, recv) the caller's
// buffer, [p, p + n), checked as an access made at `pc` under the same conditions.
void checked_buffer(const void *p, std::size_t n, bool is_write, std::uintptr_t pc) noexcept;
// A pthread synchronization object's own memory as the call at `pc` uses it, under the same
// conditions: its creation or destruction writes it; any other use reads it, atomically (uses never
// race with each other, but a use not ordered after the creation, or before the destruction or the
// free, does: ThreadSanitizer's race_on_mutex). One byte, the object's first.
void checked_sync_object(const volatile void *obj, bool is_write, std::uintptr_t pc) noexcept;

// Descriptors as objects (fd_objects.cpp): descriptor number fd below fd_object_count is stood for by
// the 8 bytes of fd_objects[fd] in the instrumented shadow (a use reads them, close writes them), so
// a close not ordered after another thread's use is a data race on the descriptor. Only descriptors
// whose creation the runtime saw are followed; see fd_objects.cpp.
constexpr int fd_object_count = 1 << 16;
inline std::uint64_t fd_objects[fd_object_count];
// The descriptor whose object holds addr, or -1 (for reports).
inline int fd_of_object(std::uintptr_t addr) noexcept {
  const auto lo = reinterpret_cast<std::uintptr_t>(&fd_objects[0]);
  return addr - lo < sizeof fd_objects ? static_cast<int>((addr - lo) / sizeof fd_objects[0]) : -1;
}
// Where each followed descriptor was made, for reports: a stack depot id and the making thread's
// unique id + 1 (0: not known). Written by fd_objects.cpp, read by the race report.
struct fd_origin {
  std::atomic<std::uint32_t> stack{0};
  std::atomic<std::uint64_t> thread{0};
};
inline fd_origin fd_origins[fd_object_count];
void fd_created(int fd, std::uintptr_t pc) noexcept; // a call at pc returned descriptor fd, new: followed from now
void fd_used(int fd, std::uintptr_t pc) noexcept;   // a call at pc is about to use fd
void fd_closing(int fd, std::uintptr_t pc) noexcept; // a call at pc is about to close fd
void fd_objects_after_fork_child() noexcept;          // the child's descriptors are its own from here on

// instrumented.cpp: exits with a message when another ThreadSanitizer runtime is in the process.
void refuse_a_second_sanitizer_runtime() noexcept;

void coro_fork_lock() noexcept;  // coro.cpp: frame table and quarantine
void coro_fork_unlock() noexcept;
void coro_after_fork_child() noexcept;
// signals.cpp: an installation another thread was making at the fork never ends in the child, where
// its lock is released (the child's table may then name the handler that thread was installing).
void signals_after_fork_child() noexcept;
void alloc_fork_lock() noexcept;
void alloc_fork_unlock() noexcept;

// Options this core reads (from rreport's flag table), cached at first use.
bool opt_detect_races() noexcept;
bool opt_detect_lock_order() noexcept;
bool opt_detect_deadlocks() noexcept;

// Emits a report unless this thread is already reporting; marks the thread in_rt meanwhile.
void emit(thread_state *thr, report &&r) noexcept;
// The current stack (full capture: rare paths only), interned into the depot.
std::uint32_t capture_stack_id(int skip) noexcept;
// The current stack by frame-pointer walk from the runtime entry that returns to `pc` (cheap
// enough for the access path; see fp_stack), interned into the depot.
std::uint32_t fp_stack_id(thread_state *thr, std::uintptr_t pc) noexcept;
stack_trace single_frame(std::uintptr_t pc) noexcept;
stack_trace stack_from_id(std::uint32_t id) noexcept;

}  // namespace lockstep::rt
