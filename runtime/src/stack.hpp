// Stacks for reports: cheap capture of return addresses, a deduplicating stack depot,
// and symbolization to function, file and line.
//
// Ground rules for this layer (the runtime calls it from interposed pthread functions):
//  - capture_stack and the depot never lock a pthread mutex, never allocate with malloc
//    and never call an interposed function; after stack_init() (or one capture) they are
//    async-signal-safe, except that a signal handler interrupting a depot insertion on the
//    same thread would spin (the depot's insertion spinlock; the runtime core never lets a
//    handler in while it is inside the runtime).
//  - symbolize runs only when a report is printed: it allocates, and for pcs it has not
//    seen before runs llvm-symbolizer once (posix_spawn, a socket with MSG_NOSIGNAL so a
//    dead symbolizer never raises SIGPIPE, a deadline so it never hangs, the child reaped
//    before returning); it falls back to dladdr. Results are cached per pc.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::rt {

// A spinlock on std::atomic: the reporting layer must not use the interposed pthread
// mutex functions for its own locking. Not recursive.
class spin_mutex {
 public:
  void lock() noexcept;
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

// Raw return addresses, innermost first; symbolized only when a report is printed.
struct stack_trace {
  static constexpr std::size_t max_frames = 48;
  std::uint32_t size = 0;
  std::uintptr_t pcs[max_frames] = {};
};

// Captures the calling thread's stack, dropping `skip` innermost frames (plus the
// capture function itself). Async-signal-safe after the first call (see above).
stack_trace capture_stack(int skip = 0);

// Frame-pointer stacks: the cheap capture for hot paths (a few loads per frame: no unwind
// tables, no lock, no allocation, async-signal-safe). It sees the frames of code compiled with
// frame pointers: liblockstep itself, and user code that links lockstep::runtime (whose CMake
// target adds -fno-omit-frame-pointer); a function without one hides its caller's frame.
// `entry_pc` is the return address of the runtime's entry point into the user's code (the `pc`
// the interposers and annotations pass around): the runtime's own frames up to it are dropped.
// The walk reads only [its own frame, bounds.hi), and only when its own frame lies inside the
// thread's stack [bounds.lo, bounds.hi) (not on an alternate signal stack), so a garbage frame
// pointer can never make it read unmapped memory. With unknown bounds (0) or when entry_pc is not
// among the runtime's first frames, the result is [entry_pc] alone.
struct stack_bounds {
  std::uintptr_t lo = 0, hi = 0;
};
stack_trace fp_stack(std::uintptr_t entry_pc, const stack_bounds &bounds) noexcept;
// The same walk into `out` (room for `max` pcs, at least 1); returns how many were written.
std::uint32_t fp_walk(std::uintptr_t entry_pc, const stack_bounds &bounds, std::uintptr_t *out,
                      std::uint32_t max) noexcept;

// The innermost frames of the current stack, and where the walk can resume later to find the
// rest while those outer frames are still live: an acquisition's stack costs a few loads when
// the lock is taken and is completed (complete_stack) only when a report or a new lock-order
// edge needs it. The frames recorded here stay right even after the functions that took the lock
// have returned (a lock_guard constructor, a lock() wrapper).
// No initializers: fp_stack_prefix fills it (size, resume_*, pcs below size), and held sets of
// untouched thread records must cost no memory (see thread_state).
struct stack_prefix {
  static constexpr unsigned max_frames = 4;
  std::uintptr_t pcs[max_frames];
  std::uint32_t size;
  std::uintptr_t resume_fp;   // frame record of the last recorded frame, 0 = the stack ended
  std::uintptr_t resume_ret;  // its return address (pcs[size-1]): proves it is still that frame
};
void fp_stack_prefix(std::uintptr_t entry_pc, const stack_bounds &bounds, stack_prefix &out) noexcept;
// The prefix followed by the current frame chain from its resume record on, when that record is
// still on this thread's stack with the same return address; else the prefix alone. Call it on
// the thread that recorded the prefix.
stack_trace complete_stack(const stack_prefix &prefix, const stack_bounds &bounds) noexcept;

// Warms up the unwinder (its first use may load unwind tables) and records which module
// is the runtime itself. Idempotent; called by the reporting layer's initialisation.
void stack_init();

// The stack depot: stores each distinct stack once and names it by a 32-bit id, so
// detectors can keep a stack per event in 4 bytes. Lock-free lookups, one spinlock for
// insertions, memory from mmap capped at 256 MiB. Id 0 means "no stack": it
// is returned for an empty stack and when the depot is full.
std::uint32_t stack_depot_put(const stack_trace &stack);
// The same for `size` pcs whose stack_hash is `hash` (callers that cache ids by hash).
std::uint32_t stack_depot_put(const std::uintptr_t *pcs, std::uint32_t size, std::uint64_t hash);
// A 64-bit hash of a stack's pcs (what the depot files it under).
std::uint64_t stack_hash(const std::uintptr_t *pcs, std::uint32_t size) noexcept;
// The stack stored under `id`; an empty stack for 0 or an id never returned by put.
stack_trace stack_depot_get(std::uint32_t id);
// Number of distinct stacks stored so far (for tests and verbosity output).
std::size_t stack_depot_size();
// fork(): the depot's insertion and arena locks, and the symbolizer's cache locks, held
// across the fork (by the runtime's atfork handlers) so a child forked while another thread
// inserts or symbolizes never inherits a held spinlock. Order: symbolizer before depot.
void symbolizer_fork_lock() noexcept;
void symbolizer_fork_unlock() noexcept;
void depot_fork_lock() noexcept;
void depot_fork_unlock() noexcept;

// One symbolized frame.
struct frame {
  std::uintptr_t pc = 0;
  std::string function;  // demangled; "" when unknown
  std::string file;      // "" when unknown
  int line = 0;          // 0 when unknown
  std::string module;    // the shared object or executable holding pc
  std::uintptr_t module_offset = 0;
};

// Symbolizes a stack (inlined calls become frames of their own, innermost first) and
// drops the runtime's own frames: functions of namespace lockstep::rt, __tsan_* entry
// points, and any frame inside the runtime's shared object when the runtime is one.
std::vector<frame> symbolize(const stack_trace &stack);

// The same for several stacks at once, with a single symbolizer run for all their
// uncached pcs (what a report needs). result[i] belongs to stacks[i].
std::vector<std::vector<frame>> symbolize_many(const std::vector<const stack_trace *> &stacks);

// Lexically removes "." and ".." from an absolute path (debug info keeps the
// compiler's "/usr/bin/../lib/gcc/..." hops); other strings are returned unchanged.
std::string normalize_path(const std::string &path);

// True when `f` belongs to the runtime itself (see symbolize).
bool is_runtime_frame(const frame &f);

}  // namespace lockstep::rt
