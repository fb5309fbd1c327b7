// Unannotated code, built with lockstep_instrument: the look-alike of string_append_unlocked_data_race.cpp
// with the appends and the read under one std::mutex.
#include <mutex>
#include <string>
#include <thread>

std::string text;
std::mutex text_mutex;

namespace {
void append_words() {
  for (int i = 0; i < 8; ++i) {
    std::lock_guard<std::mutex> g(text_mutex);
    text.append("word ");
  }
}
std::size_t measure() {
  std::lock_guard<std::mutex> g(text_mutex);
  return text.size();
}
}  // namespace

int main() {
  text.reserve(256);
  std::size_t seen = 0;
  std::thread writer(append_words), reader([&] { seen = measure(); });
  writer.join();
  reader.join();
  return seen <= text.size() ? 0 : 1;
}
