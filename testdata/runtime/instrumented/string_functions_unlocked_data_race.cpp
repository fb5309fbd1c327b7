// Unannotated code, built with lockstep_instrument: libc's string functions on buffers another thread
// uses with no lock. The compilers call these functions as they are; liblockstep checks the bytes each
// one reads or writes. Every pair below is one race of its own, so every function must be seen: the
// worker writes with strcpy, strncpy, strcat and strncat into buffers main then reads plainly, and
// writes plainly into buffers main then reads with strcmp, strncmp, strchr, strrchr, strnlen, strstr,
// memchr and strdup.
// expect-reports: 12
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {
// Written by the worker's string functions, read plainly by main.
char copied[32], copied_n[32], appended[32], appended_n[32];
// Written plainly by the worker, read by main's string functions.
char compared[32], compared_n[32], searched[32], searched_last[32], measured[32], haystack[32], scanned[32],
    duplicated[32];
std::atomic<bool> done{false};  // relaxed: orders nothing

void fill(char *buffer, const std::string &text) {
  for (std::size_t i = 0; i < text.size(); ++i) buffer[i] = text[i];
  buffer[text.size()] = '\0';
}
}  // namespace

int main(int argc, char **) {
  const std::string text(static_cast<std::size_t>(10 + argc), 'x');  // contents the compiler cannot see
  std::thread worker([&] {
    std::strcpy(copied, text.c_str());
    std::strncpy(copied_n, text.c_str(), sizeof copied_n);
    std::strcat(appended, text.c_str());
    std::strncat(appended_n, text.c_str(), 4);
    for (char *b : {compared, compared_n, searched, searched_last, measured, haystack, scanned, duplicated})
      fill(b, text);
    done.store(true, std::memory_order_relaxed);
  });
  while (!done.load(std::memory_order_relaxed)) std::this_thread::yield();

  int sum = copied[0] + copied_n[0] + appended[0] + appended_n[0];
  sum += std::strcmp(compared, text.c_str());
  sum += std::strncmp(compared_n, text.c_str(), 8);
  sum += std::strchr(searched, 'y') != nullptr;
  sum += std::strrchr(searched_last, 'x') != nullptr;
  sum += static_cast<int>(strnlen(measured, 20));
  sum += std::strstr(haystack, "xxx") != nullptr;
  sum += std::memchr(scanned, 'x', 5) != nullptr;
  char *copy = strdup(duplicated);
  sum += copy[0];
  std::free(copy);
  worker.join();
  return sum > 0 ? 0 : 1;
}
