// A strict little JSON parser for the tests: proves printer output is valid JSON and reads it back.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace json_lite {

struct value {
  enum kind_t { null_t, bool_t, number_t, string_t, array_t, object_t } kind = null_t;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<value> array;
  std::vector<std::string> keys;  // an object's keys in document order
  std::vector<value> members;     // and their values (vector allows an incomplete type)

  bool has(const std::string &key) const {
    for (const auto &k : keys)
      if (k == key) return true;
    return false;
  }
  const value &operator[](const std::string &key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return members[i];
    throw std::runtime_error("no key " + key);
  }
  const value &operator[](std::size_t i) const { return array.at(i); }
};

class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  // Parses exactly one value followed only by whitespace; throws on anything else.
  value parse_document() {
    value v = parse_value();
    skip_ws();
    if (pos_ != text_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string &what) {
    throw std::runtime_error("invalid JSON at offset " + std::to_string(pos_) + ": " + what);
  }
  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  char peek() { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool consume_word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  value parse_value() {
    skip_ws();
    value v;
    char c = peek();
    if (c == '{') {
      v.kind = value::object_t;
      ++pos_;
      skip_ws();
      if (peek() == '}') { ++pos_; return v; }
      for (;;) {
        skip_ws();
        std::string key = parse_string();
        skip_ws();
        expect(':');
        v.keys.push_back(key);
        v.members.push_back(parse_value());
        skip_ws();
        if (peek() == ',') { ++pos_; continue; }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = value::array_t;
      ++pos_;
      skip_ws();
      if (peek() == ']') { ++pos_; return v; }
      for (;;) {
        v.array.push_back(parse_value());
        skip_ws();
        if (peek() == ',') { ++pos_; continue; }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = value::string_t;
      v.string = parse_string();
      return v;
    }
    if (consume_word("true")) { v.kind = value::bool_t; v.boolean = true; return v; }
    if (consume_word("false")) { v.kind = value::bool_t; return v; }
    if (consume_word("null")) return v;
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t start = pos_;
      if (peek() == '-') ++pos_;
      if (peek() == '0') ++pos_;
      else if (peek() >= '1' && peek() <= '9') while (peek() >= '0' && peek() <= '9') ++pos_;
      else fail("bad number");
      if (peek() == '.') { ++pos_; if (!(peek() >= '0' && peek() <= '9')) fail("bad fraction"); while (peek() >= '0' && peek() <= '9') ++pos_; }
      if (peek() == 'e' || peek() == 'E') {
        ++pos_;
        if (peek() == '+' || peek() == '-') ++pos_;
        if (!(peek() >= '0' && peek() <= '9')) fail("bad exponent");
        while (peek() >= '0' && peek() <= '9') ++pos_;
      }
      v.kind = value::number_t;
      v.number = std::strtod(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr);
      return v;
    }
    fail("unexpected character");
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("raw control character in string");
      if (c != '\\') { out += c; continue; }
      if (pos_ >= text_.size()) fail("bad escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (pos_ + 4 > text_.size()) fail("bad \\u escape");
          unsigned code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
          pos_ += 4;
          if (code >= 0x80) fail("test parser only decodes ASCII \\u escapes");
          out += static_cast<char>(code);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline value parse(std::string_view text) { return parser(text).parse_document(); }

}  // namespace json_lite
