// Unannotated code, built with lockstep_instrument: with _FORTIFY_SOURCE, a copy into an object of known
// size whose length is not known until run time calls libc's checked form (__memcpy_chk and the like:
// what the fortified headers expand to, written here as those builtins so that every compiler emits
// the calls), and libc runs it without calling memcpy. liblockstep checks those forms as their plain
// ones. Each destination is written by the worker and used by main, or the other way round, the
// threads told apart only by relaxed flags (which order nothing): one race per call. Clean look-alikes:
// the same calls on buffers of main's own.
// expect-reports: 4
#include <stdio.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <thread>

extern "C" std::size_t __fread_chk(void *, std::size_t, std::size_t, std::size_t, FILE *);

namespace {
std::atomic<int> step{0};  // relaxed: sequences the threads in time, orders nothing
void wait_for(int s) {
  while (step.load(std::memory_order_relaxed) < s) std::this_thread::yield();
}
void reach(int s) { step.store(s, std::memory_order_relaxed); }

char copied[32], filled[32], named[32], read_in[32];
char source_text[32] = "fortified";  // not const: its length is not known either
volatile std::size_t length = 8;  // not known at compile time: the checked call stays
}  // namespace

int main() {
  FILE *source = tmpfile();
  if (!source || fputs("contents", source) < 0 || fseek(source, 0, SEEK_SET) != 0) return 2;
  std::thread worker([&] {
    __builtin___memcpy_chk(copied, source_text, length, sizeof copied);
    __builtin___memset_chk(filled, 'x', length, sizeof filled);
    __builtin___strcpy_chk(named, source_text, sizeof named);
    if (__fread_chk(read_in, sizeof read_in, 1, length, source) != length) std::abort();
    reach(1);
  });
  wait_for(1);
  int sum = copied[0] + filled[0] + named[0] + read_in[0];  // four races
  char own[32];
  __builtin___memcpy_chk(own, source_text, length, sizeof own);
  __builtin___strcpy_chk(own, source_text, sizeof own);
  sum += own[1];
  worker.join();
  fclose(source);
  return sum > 0 ? 0 : 1;
}
