// What a blocked thread waits for: one enum and one table, read alike by the runtime when a thread
// blocks (thread_state::blocked_kind), by the wait-for graph (which threads own the wait and whether
// one of them or all of them must act) and by the deadlock report (its words).
//
// Adding a blocking primitive means adding a row here; the graph, the report and the owners the
// runtime looks up all follow from it.
#pragma once

#include <cstdint>
#include <string_view>

namespace lockstep::rt::deadlock {

enum class wait_kind : std::uint8_t {
  none,                // not blocked
  mutex,               // any exclusive lock, pthread or drop-in
  rwlock_write,        // a reader/writer lock taken for writing
  rwlock_read,         //   or for reading
  join,                // pthread_join: waits for the target thread to end
  static_init,         // a function-local static another thread is initializing
  semaphore,           // a semaphore's acquire
  latch,               // a latch's wait
  barrier,             // a barrier phase
  condition_variable,  // an untimed condition-variable wait
};
inline constexpr int wait_kind_count = 10;
static_assert(static_cast<int>(wait_kind::condition_variable) + 1 == wait_kind_count, "one table row per kind");

// Which threads can end a wait: the wait-for graph's owners of the resource.
enum class wait_owners : std::uint8_t {
  nobody,          // wait_kind::none
  holder,          // the thread holding the lock (or running the static's initializer)
  holder_readers,  // the writer holding it, or every thread holding it shared
  joined_thread,   // the thread being joined, while it runs
  // Any running thread could release, count down, arrive or notify: the runtime does not know which
  // threads still will, so it takes every running thread (the waiter included) as an owner, and the
  // wait is stuck only once every one of them is.
  any_running_thread,
};

struct wait_kind_traits {
  wait_owners owners;
  // The report's words: "T1 waits to <verb> <object>" for a lock or join; for the kinds any thread
  // can end, "T1 waits on <object>, which no running thread is left to <ender>".
  std::string_view verb;
  std::string_view ender;
  // How the report names the owner of a held lock ("held by T2", "run by T2"); empty: none named.
  std::string_view owner_role;
};

inline constexpr wait_kind_traits wait_kind_table[wait_kind_count] = {
    /* none */ {wait_owners::nobody, "", "", ""},
    /* mutex */ {wait_owners::holder, "lock", "", "held by"},
    /* rwlock_write */ {wait_owners::holder_readers, "write-lock", "", "held by"},
    /* rwlock_read */ {wait_owners::holder_readers, "read-lock", "", "held by"},
    /* join */ {wait_owners::joined_thread, "join", "", ""},
    /* static_init */ {wait_owners::holder, "", "", "run by"},
    /* semaphore */ {wait_owners::any_running_thread, "", "release", ""},
    /* latch */ {wait_owners::any_running_thread, "", "count down", ""},
    /* barrier */ {wait_owners::any_running_thread, "", "arrive at", ""},
    /* condition_variable */ {wait_owners::any_running_thread, "", "notify", ""},
};

constexpr const wait_kind_traits &traits(wait_kind kind) { return wait_kind_table[static_cast<int>(kind)]; }

// True when a waiter needs every owner to act, so one owner blocked for ever is enough for a
// deadlock (a lock's holder, a joined thread); false when any single owner can end the wait, so
// it is stuck only when every owner is.
constexpr bool needs_all_owners(wait_kind kind) { return traits(kind).owners != wait_owners::any_running_thread; }

// True for the waits any running thread could end (see wait_owners::any_running_thread).
constexpr bool any_thread_may_end(wait_kind kind) { return traits(kind).owners == wait_owners::any_running_thread; }

}  // namespace lockstep::rt::deadlock
