// Stack capture (_Unwind_Backtrace), the stack depot, and symbolization through an
// out-of-process llvm-symbolizer with a dladdr fallback.
#include "stack.hpp"

#include "runtime_memory.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <unwind.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "flags.hpp"

extern char **environ;

namespace lockstep::rt {

void spin_mutex::lock() noexcept {
  for (int spins = 0;; ++spins) {
    if (!locked_.load(std::memory_order_relaxed) && try_lock()) return;
    // Reports are rare and short: spin briefly, then yield the core to the holder.
    if (spins > 64) sched_yield();
  }
}

namespace {

// ---------------------------------------------------------------------------------------
// Capture

struct unwind_state {
  stack_trace *out;
  int skip;
};

_Unwind_Reason_Code unwind_one(_Unwind_Context *context, void *arg) {
  auto *state = static_cast<unwind_state *>(arg);
  std::uintptr_t pc = _Unwind_GetIP(context);
  if (pc == 0) return _URC_END_OF_STACK;
  if (state->skip > 0) {
    --state->skip;
    return _URC_NO_REASON;
  }
  if (state->out->size >= stack_trace::max_frames) return _URC_END_OF_STACK;
  state->out->pcs[state->out->size++] = pc;
  return _URC_NO_REASON;
}

}  // namespace

__attribute__((noinline)) stack_trace capture_stack(int skip) {
  stack_trace stack;
  unwind_state state{&stack, skip + 1};  // +1: this function's own frame
  _Unwind_Backtrace(unwind_one, &state);
  return stack;
}

// ---------------------------------------------------------------------------------------
// Frame-pointer walk

namespace {

// A frame record (x86-64 and AArch64 alike): [0] the caller's frame record, [1] the return
// address into the caller. Records of callers lie at higher addresses.
class frame_walker {
 public:
  // Starts at the caller's own record; empty (not valid) unless that lies inside `b`.
  frame_walker(std::uintptr_t start, const stack_bounds &b) noexcept
      : fp_(start >= b.lo && start < b.hi ? start : 0), top_(b.hi) {}
  // True while the record is aligned and inside [start, top). (Written so that no sum can wrap: a
  // function built without frame pointers leaves any value in the register, up to ~0.)
  bool valid() const noexcept {
    return fp_ % sizeof(std::uintptr_t) == 0 && fp_ != 0 && fp_ < top_ && top_ - fp_ >= 16;
  }
  std::uintptr_t fp() const noexcept { return fp_; }
  std::uintptr_t ret() const noexcept { return reinterpret_cast<const std::uintptr_t *>(fp_)[1]; }
  // Moves to the caller's record; false when the chain ends or leaves [start, top).
  bool next() noexcept {
    const std::uintptr_t up = reinterpret_cast<const std::uintptr_t *>(fp_)[0];
    if (up <= fp_) return false;  // a chain must climb: anything else is not a frame record
    fp_ = up;
    return valid();
  }

 private:
  std::uintptr_t fp_, top_;
};

// How many of the runtime's own records may lie between the walker's start and the entry point.
constexpr int max_runtime_frames = 16;

// Positions `w` on the record whose return address is entry_pc (the runtime's entry point).
bool skip_to_entry(frame_walker &w, std::uintptr_t entry_pc) noexcept {
  if (!w.valid()) return false;
  for (int i = 0; i < max_runtime_frames; ++i) {
    if (w.ret() == entry_pc) return true;
    if (!w.next()) return false;
  }
  return false;
}

std::uint32_t append_chain(frame_walker &w, std::uintptr_t *out, std::uint32_t n, std::uint32_t max) noexcept {
  while (n < max && w.next()) {
    const std::uintptr_t ret = w.ret();
    if (ret == 0) break;
    out[n++] = ret;
  }
  return n;
}

}  // namespace

__attribute__((noinline)) std::uint32_t fp_walk(std::uintptr_t entry_pc, const stack_bounds &bounds,
                                                std::uintptr_t *out, std::uint32_t max) noexcept {
  if (entry_pc == 0 || max == 0) return 0;
  out[0] = entry_pc;
  frame_walker w(reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)), bounds);
  return skip_to_entry(w, entry_pc) ? append_chain(w, out, 1, max) : 1;
}

stack_trace fp_stack(std::uintptr_t entry_pc, const stack_bounds &bounds) noexcept {
  stack_trace st;
  st.size = fp_walk(entry_pc, bounds, st.pcs, stack_trace::max_frames);
  return st;
}

__attribute__((noinline)) void fp_stack_prefix(std::uintptr_t entry_pc, const stack_bounds &bounds,
                                               stack_prefix &out) noexcept {
  // On every lock acquisition: as few steps as possible. The last recorded frame's record is where a
  // completion resumes, so no step goes beyond the frames kept.
  out.size = 0;
  out.resume_fp = out.resume_ret = 0;
  if (entry_pc == 0) return;
  out.pcs[0] = entry_pc;
  frame_walker w(reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)), bounds);
  out.size = skip_to_entry(w, entry_pc) ? append_chain(w, out.pcs, 1, stack_prefix::max_frames) : 1;
  if (out.size == stack_prefix::max_frames) {  // the walker stands on the last recorded frame's record
    out.resume_fp = w.fp();
    out.resume_ret = w.ret();
  }
}

__attribute__((noinline)) stack_trace complete_stack(const stack_prefix &prefix, const stack_bounds &bounds) noexcept {
  stack_trace st;
  for (std::uint32_t i = 0; i < prefix.size; ++i) st.pcs[st.size++] = prefix.pcs[i];
  if (prefix.resume_fp == 0) return st;
  // The resume record (that of the last recorded frame) is live if the current chain still passes
  // through it with the same return address (a frame at that address with another return address
  // belongs to a later call); the frames above it are then the acquisition's callers.
  frame_walker w(reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)), bounds);
  if (!w.valid()) return st;
  while (w.fp() < prefix.resume_fp)
    if (!w.next()) return st;
  if (w.fp() != prefix.resume_fp || w.ret() != prefix.resume_ret) return st;
  st.size = append_chain(w, st.pcs, st.size, stack_trace::max_frames);
  return st;
}

// ---------------------------------------------------------------------------------------
// Depot

namespace {

struct depot_node {
  depot_node *next;
  std::uint32_t id;
  std::uint32_t hash;
  std::uint32_t size;
  std::uintptr_t pcs[1];  // really `size` entries
};

constexpr std::size_t bucket_count = 1u << 16;
constexpr std::uint32_t id_chunk_bits = 14;
constexpr std::uint32_t id_chunk_size = 1u << id_chunk_bits;
constexpr std::uint32_t id_chunk_count = 1u << 10;  // ids up to 16M
constexpr std::size_t arena_limit = std::size_t(256) << 20;
constexpr std::size_t arena_block = std::size_t(1) << 20;

// Zero-initialised statics with trivial destructors: usable before constructors run
// and after destructors ran.
std::atomic<std::uintptr_t> buckets[bucket_count];  // head node pointer
std::atomic<std::atomic<depot_node *> *> id_chunks[id_chunk_count];
std::atomic<std::uint32_t> next_id{1};
std::atomic<std::size_t> depot_count{0};
spin_mutex depot_insert_mutex;  // serializes insertions (lookups stay lock-free); taken before arena_mutex
spin_mutex arena_mutex;
char *arena_cursor = nullptr;
char *arena_end = nullptr;
std::size_t arena_used = 0;

void *map_memory(std::size_t bytes) { return map_runtime_range(bytes); }

// Bump allocation from mmap'd blocks; returns nullptr once the cap is reached, so the
// depot's memory stays bounded whatever the program does.
void *arena_alloc(std::size_t bytes) {
  bytes = (bytes + 15) & ~std::size_t(15);
  arena_mutex.lock();
  if (arena_cursor == nullptr || static_cast<std::size_t>(arena_end - arena_cursor) < bytes) {
    std::size_t block = bytes > arena_block ? bytes : arena_block;
    void *p = arena_used + block <= arena_limit ? map_memory(block) : nullptr;
    if (p == nullptr) {
      arena_mutex.unlock();
      return nullptr;
    }
    arena_used += block;
    arena_cursor = static_cast<char *>(p);
    arena_end = arena_cursor + block;
  }
  void *result = arena_cursor;
  arena_cursor += bytes;
  arena_mutex.unlock();
  return result;
}

// The pcs of a stack without the fixed-size buffer of stack_trace.
struct stack_view {
  const std::uintptr_t *pcs;
  std::uint32_t size;
};

std::uint32_t fold(std::uint64_t h) { return static_cast<std::uint32_t>(h ^ (h >> 32)); }

bool node_matches(const depot_node *n, std::uint32_t hash, stack_view stack) {
  return n->hash == hash && n->size == stack.size &&
         std::memcmp(n->pcs, stack.pcs, stack.size * sizeof(std::uintptr_t)) == 0;
}

depot_node *find_in_chain(depot_node *n, std::uint32_t hash, stack_view stack) {
  for (; n != nullptr; n = n->next)
    if (node_matches(n, hash, stack)) return n;
  return nullptr;
}

std::atomic<depot_node *> *id_chunk(std::uint32_t chunk_index, bool create) {
  auto *chunk = id_chunks[chunk_index].load(std::memory_order_acquire);
  if (chunk != nullptr || !create) return chunk;
  // mmap'd memory is zero, i.e. null atomics (they are plain pointers on this platform).
  auto *fresh = static_cast<std::atomic<depot_node *> *>(
      map_memory(id_chunk_size * sizeof(std::atomic<depot_node *>)));
  if (fresh == nullptr) return nullptr;
  if (!id_chunks[chunk_index].compare_exchange_strong(chunk, fresh, std::memory_order_acq_rel)) {
    ::syscall(SYS_munmap, fresh, id_chunk_size * sizeof(std::atomic<depot_node *>));  // not the interposed munmap
    return chunk;
  }
  return fresh;
}

}  // namespace

std::uint64_t stack_hash(const std::uintptr_t *pcs, std::uint32_t size) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull ^ size;
  for (std::uint32_t i = 0; i < size; ++i) {
    h ^= pcs[i];
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}

std::uint32_t stack_depot_put(const stack_trace &stack) {
  return stack_depot_put(stack.pcs, stack.size, stack_hash(stack.pcs, stack.size));
}

std::uint32_t stack_depot_put(const std::uintptr_t *pcs, std::uint32_t size, std::uint64_t full_hash) {
  if (size == 0) return 0;
  const stack_view stack{pcs, size};
  const std::uint32_t hash = fold(full_hash);
  auto &bucket = buckets[hash % bucket_count];
  // Fast path: published nodes never change, so a lock-free walk is safe.
  auto head = bucket.load(std::memory_order_acquire);
  if (auto *found = find_in_chain(reinterpret_cast<depot_node *>(head & ~std::uintptr_t(1)), hash, stack))
    return found->id;
  // Slow path: one depot-wide insertion lock (insertions are rare: each distinct stack once), so
  // fork() can hold it and the child never inherits a half-linked bucket. Re-check, insert.
  depot_insert_mutex.lock();
  head = bucket.load(std::memory_order_acquire);
  auto *first = reinterpret_cast<depot_node *>(head);
  if (auto *found = find_in_chain(first, hash, stack)) {
    depot_insert_mutex.unlock();
    return found->id;
  }
  std::uint32_t id = 0;
  auto *node = static_cast<depot_node *>(
      arena_alloc(sizeof(depot_node) + (stack.size - 1) * sizeof(std::uintptr_t)));
  if (node != nullptr) {
    id = next_id.fetch_add(1, std::memory_order_relaxed);
    auto *chunk = id < id_chunk_size * id_chunk_count ? id_chunk(id >> id_chunk_bits, true) : nullptr;
    if (chunk == nullptr) {
      id = 0;  // depot full: the node's memory is simply not used
    } else {
      node->next = first;
      node->id = id;
      node->hash = hash;
      node->size = stack.size;
      std::memcpy(node->pcs, stack.pcs, stack.size * sizeof(std::uintptr_t));
      chunk[id & (id_chunk_size - 1)].store(node, std::memory_order_release);
      depot_count.fetch_add(1, std::memory_order_relaxed);
      bucket.store(reinterpret_cast<std::uintptr_t>(node), std::memory_order_release);  // publish
      depot_insert_mutex.unlock();
      return id;
    }
  }
  depot_insert_mutex.unlock();
  return id;
}

stack_trace stack_depot_get(std::uint32_t id) {
  stack_trace stack;
  if (id == 0 || id >= id_chunk_size * id_chunk_count) return stack;
  auto *chunk = id_chunk(id >> id_chunk_bits, false);
  if (chunk == nullptr) return stack;
  const depot_node *node = chunk[id & (id_chunk_size - 1)].load(std::memory_order_acquire);
  if (node == nullptr) return stack;
  stack.size = node->size;
  std::memcpy(stack.pcs, node->pcs, node->size * sizeof(std::uintptr_t));
  return stack;
}

std::size_t stack_depot_size() { return depot_count.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------------------------------
// Modules

namespace {

struct module_info {
  std::string path;  // "" when pc is in no loaded object
  std::uintptr_t base = 0;
  bool is_main = false;
};

struct module_search {
  std::uintptr_t pc;
  module_info *out;
  bool found;
};

std::string main_executable_path() {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

int find_module_callback(dl_phdr_info *info, std::size_t, void *arg) {
  auto *search = static_cast<module_search *>(arg);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (search->pc >= start && search->pc < start + ph.p_memsz) {
      search->out->base = info->dlpi_addr;
      const char *name = info->dlpi_name;
      search->out->is_main = name == nullptr || name[0] == '\0';
      search->out->path = search->out->is_main ? main_executable_path() : std::string(name);
      search->found = true;
      return 1;
    }
  }
  return 0;
}

module_info find_module(std::uintptr_t pc) {
  module_info info;
  module_search search{pc, &info, false};
  dl_iterate_phdr(find_module_callback, &search);
  return info;
}

// The runtime's own module, when the runtime is a shared object (liblockstep.so); empty
// when it is linked statically into the executable (as in its unit tests).
std::atomic<bool> runtime_module_known{false};
spin_mutex runtime_module_mutex;
std::string *runtime_module_path = nullptr;  // never destroyed

const std::string *runtime_module() {
  if (!runtime_module_known.load(std::memory_order_acquire)) {
    runtime_module_mutex.lock();
    if (!runtime_module_known.load(std::memory_order_relaxed)) {
      // An internal function's address: a public one could resolve to the executable's
      // PLT stub when the executable takes its address.
      module_info self = find_module(reinterpret_cast<std::uintptr_t>(&find_module_callback));
      runtime_module_path = new std::string(self.is_main ? std::string() : self.path);
      runtime_module_known.store(true, std::memory_order_release);
    }
    runtime_module_mutex.unlock();
  }
  return runtime_module_path;
}

std::string demangle(const char *name) {
  int status = 0;
  char *demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return name;
  std::string result(demangled);
  std::free(demangled);
  return result;
}

// ---------------------------------------------------------------------------------------
// The llvm-symbolizer process

bool executable(const std::string &path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

std::string find_symbolizer(const flags_t &f, std::string &problem) {
  if (!f.symbolizer_path.empty()) {
    if (executable(f.symbolizer_path)) return f.symbolizer_path;
    problem = "symbolizer_path=" + f.symbolizer_path + " is not an executable file";
    return {};
  }
  if (const char *path = std::getenv("PATH")) {
    std::string_view dirs(path);
    while (!dirs.empty()) {
      std::size_t colon = dirs.find(':');
      std::string dir(dirs.substr(0, colon));
      dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
      if (dir.empty()) continue;
      std::string candidate = dir + "/llvm-symbolizer";
      if (executable(candidate)) return candidate;
    }
  }
  for (const char *candidate : {"/usr/bin/llvm-symbolizer-14", "/usr/lib/llvm-14/bin/llvm-symbolizer",
                                "/usr/bin/llvm-symbolizer-16", "/usr/lib/llvm-16/bin/llvm-symbolizer"})
    if (executable(candidate)) return candidate;
  problem = "llvm-symbolizer not found (install Debian's llvm-14 package or set symbolizer_path)";
  return {};
}

void write_stderr(const std::string &text) {
  ssize_t ignored = ::write(2, text.data(), text.size());
  (void)ignored;
}

long long now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// One run of llvm-symbolizer over a batch of (module, offset) queries. The process lives
// only while a report is being symbolized: a long-lived child would be seen by a program
// that waits for all of its children (and would hang it), and would be shared across
// fork. Results are cached per pc, so later reports rarely start it at all.
struct symbolizer_query {
  std::string module;
  std::uintptr_t offset = 0;
};

class symbolizer_runner {
 public:
  // Fills answers[i] with the frames of queries[i] (one per inlined call, innermost
  // first); an answer stays empty when the symbolizer is unavailable or failed.
  void run(const std::vector<symbolizer_query> &queries, std::vector<std::vector<frame>> &answers) {
    answers.assign(queries.size(), {});
    if (queries.empty() || !usable()) return;
    // Queries name their module in quotes on one line; a path holding '"' or a newline cannot be
    // written so (llvm-symbolizer would echo the line instead of answering, and every later answer
    // would land on the wrong query). Such a module gets a run of its own with --obj=<path>.
    std::vector<std::size_t> quotable;
    std::vector<std::pair<std::string, std::vector<std::size_t>>> own_run;
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const std::string &m = queries[i].module;
      if (m.find_first_of("\"\n") == std::string::npos) {
        quotable.push_back(i);
        continue;
      }
      auto it = own_run.begin();
      while (it != own_run.end() && it->first != m) ++it;
      if (it == own_run.end()) it = own_run.insert(own_run.end(), {m, {}});
      it->second.push_back(i);
    }
    if (!quotable.empty()) run_batch(queries, quotable, std::string(), answers);
    for (const auto &[module, indices] : own_run) run_batch(queries, indices, module, answers);
  }

 private:
  static constexpr int max_failures = 2;

  // One llvm-symbolizer run for queries[indices]: `"module" 0xoffset` lines, or bare offsets
  // into `obj` when it is given (passed as --obj=, which takes any path).
  void run_batch(const std::vector<symbolizer_query> &queries, const std::vector<std::size_t> &indices,
                 const std::string &obj, std::vector<std::vector<frame>> &answers) {
    if (failures_ >= max_failures) return;
    std::string input;
    for (std::size_t i : indices) {
      char hex[32];
      std::snprintf(hex, sizeof hex, "0x%llx\n", static_cast<unsigned long long>(queries[i].offset));
      input += obj.empty() ? "\"" + queries[i].module + "\" " + hex : std::string(hex);
    }
    std::string output;
    if (!exchange(input, obj, output)) {
      if (++failures_ == max_failures)
        write_stderr("lockstep: " + path_ + " failed twice; stacks show function names only from now on\n");
      return;
    }
    std::vector<std::vector<frame>> batch(indices.size());
    parse(output, batch);
    for (std::size_t k = 0; k < indices.size(); ++k) answers[indices[k]] = std::move(batch[k]);
  }

  bool usable() {
    const flags_t &f = flags();
    if (!f.symbolize || failures_ >= max_failures) return false;
    if (!path_.empty()) return true;
    std::string problem;
    path_ = find_symbolizer(f, problem);
    if (path_.empty()) {
      write_stderr("lockstep: " + problem + "; stacks show function names only\n");
      failures_ = max_failures;
      return false;
    }
    if (f.verbosity >= 1) write_stderr("lockstep: symbolizer: " + path_ + "\n");
    return true;
  }

  // Writes `input` to a fresh llvm-symbolizer and reads all of its output, both at once
  // (poll), so neither side can block on a full socket; gives up after a deadline.
  bool exchange(const std::string &input, const std::string &obj, std::string &output) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // The child must not keep the program's other descriptors (a pipe's write end kept
    // open there would hide EOF from the program's reader).
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    // The child must not load the runtime again (LD_PRELOAD) nor see our options.
    std::vector<char *> env;
    for (char **e = environ; e != nullptr && *e != nullptr; ++e)
      if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 && std::strncmp(*e, "LOCKSTEP_OPTIONS=", 17) != 0)
        env.push_back(*e);
    env.push_back(nullptr);
    std::string arg_inlines = "--inlines", arg_demangle = "--demangle", arg_obj = "--obj=" + obj;
    char *argv[] = {path_.data(), arg_inlines.data(), arg_demangle.data(), obj.empty() ? nullptr : arg_obj.data(),
                    nullptr};
    pid_t child = -1;
    int rc = posix_spawn(&child, path_.c_str(), &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(sv[1]);
    const int fd = sv[0];
    if (rc != 0) {
      ::close(fd);
      write_stderr("lockstep: cannot run " + path_ + ": " + std::strerror(rc) + "\n");
      failures_ = max_failures;
      return false;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    // Loading debug info of a large binary can take seconds; never wait for ever.
    const long long deadline = now_ms() + 30000;
    std::size_t sent = 0;
    bool finished = false, ok = true;
    char buffer[8192];
    while (!finished) {
      long long left = deadline - now_ms();
      if (left <= 0) {
        ok = false;
        break;
      }
      pollfd p{fd, static_cast<short>(POLLIN | (sent < input.size() ? POLLOUT : 0)), 0};
      int r = ::poll(&p, 1, static_cast<int>(left));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        ok = false;
        break;
      }
      if (sent < input.size() && (p.revents & POLLOUT)) {
        ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
          ok = false;
          break;
        }
        if (sent == input.size()) ::shutdown(fd, SHUT_WR);  // EOF on its stdin: it answers and exits
      }
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
          output.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0) {
          finished = true;
        } else if (errno != EAGAIN && errno != EINTR) {
          ok = false;
          break;
        }
      }
    }
    ::close(fd);
    if (!ok) ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return ok && sent == input.size();
  }

  // Answers are pairs of lines "function" / "file:line:col", each answer ended by an
  // empty line, in the order of the queries.
  static void parse(const std::string &output, std::vector<std::vector<frame>> &answers) {
    std::size_t pos = 0, index = 0;
    while (pos < output.size() && index < answers.size()) {
      std::size_t eol = output.find('\n', pos);
      if (eol == std::string::npos) break;
      if (eol == pos) {  // end of one answer
        ++index;
        pos = eol + 1;
        continue;
      }
      std::string function = output.substr(pos, eol - pos);
      pos = eol + 1;
      eol = output.find('\n', pos);
      if (eol == std::string::npos) break;
      std::string location = output.substr(pos, eol - pos);
      pos = eol + 1;
      frame f;
      if (function != "??") f.function = function;
      // "file:line:col"; the file itself may contain ':'.
      std::size_t col_colon = location.rfind(':');
      std::size_t line_colon =
          col_colon == std::string::npos || col_colon == 0 ? std::string::npos : location.rfind(':', col_colon - 1);
      if (line_colon != std::string::npos && line_colon > 0) {
        std::string file = location.substr(0, line_colon);
        if (file != "??") {
          f.file = normalize_path(file);
          f.line = std::atoi(location.c_str() + line_colon + 1);
        }
      }
      answers[index].push_back(std::move(f));
    }
  }

  std::string path_;
  int failures_ = 0;
};

// Symbolization state, created on first use and never destroyed (reports may happen
// during static destruction); guarded by symbolizer_mutex.
spin_mutex symbolizer_mutex;
symbolizer_runner *symbolizer = nullptr;
std::unordered_map<std::uintptr_t, std::vector<frame>> *frame_cache = nullptr;

// Symbolizes the pcs not yet in the cache, with one symbolizer run for all of them.
void fill_cache(const std::vector<std::uintptr_t> &pcs) {
  std::vector<std::uintptr_t> missing;
  for (std::uintptr_t pc : pcs)
    if (frame_cache->find(pc) == frame_cache->end()) {
      missing.push_back(pc);
      frame_cache->emplace(pc, std::vector<frame>());  // also dedups `missing`
    }
  if (missing.empty()) return;
  std::vector<module_info> modules;
  std::vector<symbolizer_query> queries;
  std::vector<std::size_t> query_of(missing.size(), SIZE_MAX);
  for (std::size_t i = 0; i < missing.size(); ++i) {
    // pc is a return address: look up the call instruction before it.
    const std::uintptr_t lookup = missing[i] > 0 ? missing[i] - 1 : 0;
    modules.push_back(find_module(lookup));
    const module_info &m = modules.back();
    if (!m.path.empty() && m.path.find('/') != std::string::npos) {  // not the vDSO
      query_of[i] = queries.size();
      queries.push_back({m.path, lookup - m.base});
    }
  }
  std::vector<std::vector<frame>> answers;
  symbolizer->run(queries, answers);
  for (std::size_t i = 0; i < missing.size(); ++i) {
    const std::uintptr_t pc = missing[i], lookup = pc > 0 ? pc - 1 : 0;
    std::vector<frame> frames;
    if (query_of[i] != SIZE_MAX) frames = std::move(answers[query_of[i]]);
    if (frames.empty()) frames.emplace_back();
    Dl_info info;
    const bool have_dladdr = ::dladdr(reinterpret_cast<void *>(lookup), &info) != 0;
    for (frame &f : frames) {
      f.pc = pc;
      f.module = modules[i].path;
      f.module_offset = pc - modules[i].base;
      if (f.function.empty() && have_dladdr && info.dli_sname != nullptr) f.function = demangle(info.dli_sname);
    }
    (*frame_cache)[pc] = std::move(frames);
  }
}

}  // namespace

// "/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/x.h" ->
// "/usr/include/c++/12/bits/x.h": debug info keeps the compiler's relative hops, which
// only make reports harder to read. Lexical, for absolute paths only.
std::string normalize_path(const std::string &path) {
  if (path.empty() || path[0] != '/' || path.find("/.") == std::string::npos) return path;
  std::vector<std::string> parts;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    pos = slash + 1;
  }
  std::string result;
  for (const std::string &part : parts) result += "/" + part;
  return result.empty() ? "/" : result;
}

bool is_runtime_frame(const frame &f) {
  std::string_view fn = f.function;
  if (fn.rfind("lockstep::rt::", 0) == 0 || fn.rfind("__tsan_", 0) == 0 || fn.rfind("__lockstep_", 0) == 0)
    return true;
  const std::string *runtime = runtime_module();
  return runtime != nullptr && !runtime->empty() && f.module == *runtime;
}

void stack_init() {
  (void)capture_stack(0);
  (void)runtime_module();
}

std::vector<std::vector<frame>> symbolize_many(const std::vector<const stack_trace *> &stacks) {
  std::vector<std::vector<frame>> result(stacks.size());
  symbolizer_mutex.lock();
  if (symbolizer == nullptr) {
    symbolizer = new symbolizer_runner();
    frame_cache = new std::unordered_map<std::uintptr_t, std::vector<frame>>();
  }
  std::vector<std::uintptr_t> pcs;
  for (const stack_trace *stack : stacks)
    for (std::uint32_t i = 0; i < stack->size && i < stack_trace::max_frames; ++i) pcs.push_back(stack->pcs[i]);
  fill_cache(pcs);
  for (std::size_t s = 0; s < stacks.size(); ++s)
    for (std::uint32_t i = 0; i < stacks[s]->size && i < stack_trace::max_frames; ++i)
      for (const frame &f : frame_cache->at(stacks[s]->pcs[i]))
        if (!is_runtime_frame(f)) result[s].push_back(f);
  symbolizer_mutex.unlock();
  return result;
}

std::vector<frame> symbolize(const stack_trace &stack) { return std::move(symbolize_many({&stack}).front()); }

void symbolizer_fork_lock() noexcept {
  symbolizer_mutex.lock();
  runtime_module_mutex.lock();
}

void symbolizer_fork_unlock() noexcept {
  runtime_module_mutex.unlock();
  symbolizer_mutex.unlock();
}

void depot_fork_lock() noexcept {
  depot_insert_mutex.lock();
  arena_mutex.lock();
}

void depot_fork_unlock() noexcept {
  arena_mutex.unlock();
  depot_insert_mutex.unlock();
}

}  // namespace lockstep::rt
