// Unannotated code, built with lockstep_instrument: the buffers of stdio calls are accessed by libc,
// not by instrumented code; liblockstep checks what puts, fputs and fwrite read from the caller's
// buffer and what fread and fgets stored into it. Each buffer is written by one thread and used by
// the other, the threads told apart only by relaxed flags (which order nothing): one race per call.
// Clean look-alikes: the same calls on buffers handed over through a mutex.
// expect-reports: 5
#include <stdio.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace {
std::atomic<int> step{0};  // relaxed: sequences the threads in time, orders nothing
void wait_for(int s) {
  while (step.load(std::memory_order_relaxed) < s) std::this_thread::yield();
}
void reach(int s) { step.store(s, std::memory_order_relaxed); }

char shown[16], written[16], outgoing[16], read_in[16], line_in[16];
char locked_out[16], locked_in[16];
std::mutex handoff;
}  // namespace

int main() {
  FILE *sink = fopen("/dev/null", "w");
  FILE *source = tmpfile();
  if (!sink || !source || fputs("contents\nnext line\n", source) < 0 || fseek(source, 0, SEEK_SET) != 0) return 2;
  std::thread worker([&] {
    for (int i = 0; i < 7; ++i) shown[i] = written[i] = outgoing[i] = static_cast<char>('a' + i);
    reach(1);
    wait_for(2);
    if (fread(read_in, 1, 4, source) != 4 || !fgets(line_in, sizeof line_in, source)) std::abort();
    std::lock_guard<std::mutex> g(handoff);
    for (int i = 0; i < 7; ++i) locked_out[i] = 'x';
    if (fread(locked_in, 1, 4, source) != 4) std::abort();
    reach(3);
  });
  wait_for(1);
  puts(shown);                 // race: reads what the worker wrote
  fputs(written, sink);        // race
  fwrite(outgoing, 1, 7, sink);  // race
  reach(2);
  wait_for(3);
  int sum = read_in[0] + line_in[0];  // two races: written by fread and fgets
  {
    std::lock_guard<std::mutex> g(handoff);
    fwrite(locked_out, 1, 7, sink);
    sum += locked_in[0];
  }
  worker.join();
  fclose(sink);
  fclose(source);
  return sum > 0 ? 0 : 1;
}
