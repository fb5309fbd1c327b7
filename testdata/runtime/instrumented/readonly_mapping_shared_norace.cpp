// Unannotated code, built with lockstep_instrument: a file mapped readable and not writable (as leveldb
// maps its tables) is read in place by two threads with no lock, and copied out of with memcpy. Reads
// never race with reads, and such a mapping cannot be written: nothing to report. (liblockstep keeps
// no shadow for these pages at all; this program checks that skipping them is silent and that the
// program's real race-free writes beside them stay silent too.)
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

namespace {
constexpr std::size_t file_bytes = 3 * 4096 + 100;  // not a whole number of pages
long sums[2];                                       // one per thread: adjacent, never shared

void sum_mapping(const unsigned char *p, int who) {
  long s = 0;
  for (std::size_t i = 0; i < file_bytes; ++i) s += p[i];
  char copy[256];
  std::memcpy(copy, p + file_bytes - sizeof copy, sizeof copy);
  for (char c : copy) s += static_cast<unsigned char>(c);
  sums[who] = s;
}
}  // namespace

int main() {
  char name[] = "/tmp/lockstep-readonly-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return 2;
  unlink(name);
  static unsigned char contents[file_bytes];
  for (std::size_t i = 0; i < file_bytes; ++i) contents[i] = static_cast<unsigned char>(i * 7);
  if (write(fd, contents, file_bytes) != static_cast<ssize_t>(file_bytes)) return 2;
  void *m = mmap(nullptr, file_bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) return 2;
  const auto *p = static_cast<const unsigned char *>(m);
  std::thread a(sum_mapping, p, 0), b(sum_mapping, p, 1);
  a.join();
  b.join();
  munmap(m, file_bytes);
  close(fd);
  return sums[0] == sums[1] ? 0 : 1;
}
