// Unannotated code, built with lockstep_instrument: libc's string functions examine and write only
// the bytes of their strings, so a thread writing the bytes right after a string's terminator (in the
// same 8-byte granule) while main works on the string does not race with it. And what main's string
// functions wrote, handed over with release/acquire, is read by the worker without a race.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {
constexpr std::size_t size = 32, tail = 6;  // every string below is 5 characters and its terminator
char measured[size], measured_n[size], compared[size], compared_n[size], searched[size], searched_last[size],
    haystack[size], scanned[size], duplicated[size], copied[size], copied_n[size], appended[size], appended_n[size];
char handed[size];
std::atomic<bool> start{false}, published{false};

void fill(char *buffer, const std::string &text) {
  for (std::size_t i = 0; i < text.size(); ++i) buffer[i] = text[i];
  buffer[text.size()] = '\0';
}
}  // namespace

int main(int argc, char **) {
  const std::string word = argc > 5 ? "zzzzz" : "abcde";  // contents the compiler cannot see
  const std::string half = word.substr(0, 2);
  for (char *b : {measured, measured_n, compared, compared_n, searched, searched_last, haystack, scanned, duplicated})
    fill(b, word);
  fill(appended, half);
  fill(appended_n, half);
  std::thread worker([&] {
    while (!start.load(std::memory_order_relaxed)) std::this_thread::yield();
    // The bytes after each string, while main works on the strings.
    for (char *b : {measured, measured_n, compared, compared_n, searched, searched_last, haystack, scanned,
                    duplicated, copied, copied_n, appended, appended_n})
      for (std::size_t i = tail; i < size; ++i) b[i] = 'w';
    while (!published.load(std::memory_order_acquire)) std::this_thread::yield();
    if (std::string(handed, 5) != word) std::abort();
  });
  start.store(true, std::memory_order_relaxed);

  std::size_t sum = std::strlen(measured) + strnlen(measured_n, size);
  sum += std::strcmp(compared, "abcdz") != 0;   // through the difference
  sum += std::strncmp(compared_n, "abcdz", 4);  // four bytes
  sum += std::strchr(searched, 'c') != nullptr;
  sum += std::strrchr(searched_last, 'a') != nullptr;
  sum += std::strstr(haystack, "bc") != nullptr;
  sum += std::memchr(scanned, word[4], size) != nullptr;
  char *copy = strdup(duplicated);
  sum += std::strlen(copy);
  std::free(copy);
  std::strcpy(copied, word.c_str());
  std::strncpy(copied_n, word.c_str(), tail);
  std::strcat(appended, word.c_str() + 2);
  std::strncat(appended_n, word.c_str() + 2, 3);
  std::strcpy(handed, word.c_str());
  published.store(true, std::memory_order_release);
  worker.join();
  return sum > 0 && std::strcmp(appended, word.c_str()) == 0 && std::strcmp(appended_n, word.c_str()) == 0 ? 0 : 1;
}
