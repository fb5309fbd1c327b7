// Memory-access annotations: LOCKSTEP_READ / LOCKSTEP_WRITE tell liblockstep about accesses to shared
// data so it can report data races between them.
//
//   int counter;                       // shared between threads
//   LOCKSTEP_WRITE(counter);           // just before (or after) writing it
//   counter = counter + 1;
//   LOCKSTEP_READ(config.limit);       // any lvalue: a variable, a member, an element
//
// Contract:
//  * The argument must be an lvalue; its address and size (sizeof) are recorded together with a
//    static source site (file, line, function), which is what reports show for the access. The
//    argument is not evaluated for its value; side effects in it happen once.
//  * A race is reported when two annotated accesses to overlapping bytes, at least one a write, are
//    not ordered by happens-before (mutexes, condition variables, thread create/join, once, the
//    drop-in types): whatever the actual timing, as long as both accesses ran.
//  * Cost: a function call, a hash lookup and a few compares when nothing new happens; nothing is
//    allocated except on the first access to an address. Safe from signal handlers (the access is
//    then ignored if the thread was already inside the runtime) and during static destruction.
//  * Memory that is freed and reused keeps its history unless you call LOCKSTEP_FORGET(ptr, size)
//    (or lockstep_forget_range) before reusing it across threads without other synchronization.
#pragma once

#include <cstddef>
#include <memory>

extern "C" {

// Where an annotated access is in the source. Instances are function-local statics made by the
// macros below; the runtime keeps the pointer, so a site must live for the whole program.
struct lockstep_source_site {
  const char *file;
  int line;
  const char *function;
};

// Records an access of `size` bytes at `addr`. `site` must have static storage duration (or be null).
void lockstep_annotate_read(const volatile void *addr, std::size_t size, const lockstep_source_site *site);
void lockstep_annotate_write(const volatile void *addr, std::size_t size, const lockstep_source_site *site);
// Forgets the access history of [addr, addr+size): memory about to be reused for something else.
void lockstep_forget_range(const volatile void *addr, std::size_t size);
}

#define LOCKSTEP_DETAIL_ACCESS(fn, lvalue)                                                                 \
  do {                                                                                                   \
    static const ::lockstep_source_site lockstep_detail_site_{__FILE__, __LINE__, __func__};             \
    fn(static_cast<const volatile void *>(::std::addressof(lvalue)), sizeof(lvalue), &lockstep_detail_site_); \
  } while (0)

// Records a read of `lvalue` (see the contract above).
#define LOCKSTEP_READ(lvalue) LOCKSTEP_DETAIL_ACCESS(::lockstep_annotate_read, lvalue)
// Records a write of `lvalue` (see the contract above).
#define LOCKSTEP_WRITE(lvalue) LOCKSTEP_DETAIL_ACCESS(::lockstep_annotate_write, lvalue)
// Forgets the history of `size` bytes at `ptr` (memory reuse).
#define LOCKSTEP_FORGET(ptr, size) ::lockstep_forget_range((ptr), (size))
